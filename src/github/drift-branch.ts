import type { BranchOutcome, DriftBranch } from '../model/drift-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import type { RepoClient } from './octokit.js'
import { tokenRefusal, type NamedClient } from './identity.js'

const FILE_MODE = '100644'

/** An object of the git database as GitHub answers its creation: its id. */
const created = z.object({ sha: z.string() })
const commitRead = z.object({
  message: z.string(),
  tree: created,
  parents: z.array(created)
})
const treeRead = z.object({
  tree: z.array(
    z.object({ type: z.string(), path: z.string().optional(), mode: z.string().optional() })
  )
})
const GET_COMMIT = 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}'

/**
 * The drift branch, written through GitHub's git database (docs/drift.md#the-drift-pull-request), so the
 * action needs no `git push` credentials: one commit on the planned commit holding the server's
 * contents, rewritten when the drift changes, left alone when it is the same or when someone else's
 * commit is on top.
 */
export async function writeDriftBranch(
  client: NamedClient,
  branch: DriftBranch
): Promise<BranchOutcome> {
  try {
    return await write(client, branch)
  } catch (error) {
    const status = httpStatus(error)
    if (status === 401 || isPermissionError(error)) {
      const doing = `writing the drift branch ${branch.name}`
      return { status: 'forbidden', message: await tokenRefusal(client, status, doing, 'Contents') }
    }
    throw apiError(`writing the branch ${branch.name}`, error)
  }
}

async function write(client: RepoClient, branch: DriftBranch): Promise<BranchOutcome> {
  const { octokit } = client
  const repo = { owner: client.owner, repo: client.repo }
  const commitOf = async (sha: string) =>
    readAnswer(
      GET_COMMIT,
      commitRead,
      (await octokit.rest.git.getCommit({ ...repo, commit_sha: sha })).data
    )
  const base = await commitOf(branch.base)
  const current = await existingHead(client, branch.name)
  const currentCommit = current ? await commitOf(current) : undefined
  if (current && !currentCommit?.message.split('\n').includes(branch.trailer)) {
    return { status: 'foreign', sha: current }
  }
  const baseTree = readAnswer(
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
    treeRead,
    (await octokit.rest.git.getTree({ ...repo, tree_sha: base.tree.sha, recursive: 'true' })).data
  )
  const modes = new Map(
    baseTree.tree.flatMap((entry) =>
      entry.type === 'blob' && entry.path && entry.mode ? [[entry.path, entry.mode] as const] : []
    )
  )
  const entries = []
  for (const item of branch.writes) {
    if (item.content === undefined) {
      // A removal of a path the tree does not hold is refused by GitHub: there is nothing to remove.
      if (modes.has(item.path)) {
        entries.push({ path: item.path, mode: FILE_MODE, type: 'blob', sha: null } as const)
      }
      continue
    }
    const blob = await octokit.rest.git.createBlob({
      ...repo,
      content: Buffer.from(item.content).toString('base64'),
      encoding: 'base64'
    })
    const mode = modes.get(item.path) === '100755' ? '100755' : FILE_MODE
    const { sha } = readAnswer('POST /repos/{owner}/{repo}/git/blobs', created, blob.data)
    entries.push({ path: item.path, mode, type: 'blob', sha } as const)
  }
  if (entries.length === 0) return { status: 'empty' }
  const tree = readAnswer(
    'POST /repos/{owner}/{repo}/git/trees',
    created,
    (await octokit.rest.git.createTree({ ...repo, base_tree: base.tree.sha, tree: entries })).data
  )
  if (tree.sha === base.tree.sha) return { status: 'empty' }
  if (
    current &&
    currentCommit?.tree.sha === tree.sha &&
    currentCommit.parents.map((p) => p.sha).join() === branch.base
  ) {
    return { status: 'unchanged', sha: current }
  }
  const commit = await octokit.rest.git.createCommit({
    ...repo,
    message: `${branch.message}\n\n${branch.trailer}`,
    tree: tree.sha,
    parents: [branch.base]
  })
  const { sha } = readAnswer('POST /repos/{owner}/{repo}/git/commits', created, commit.data)
  if (current) {
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch.name}`, sha, force: true })
  } else {
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch.name}`, sha })
  }
  return { status: 'written', sha }
}

async function existingHead(client: RepoClient, name: string): Promise<string | undefined> {
  try {
    const ref = await client.octokit.rest.git.getRef({
      owner: client.owner,
      repo: client.repo,
      ref: `heads/${name}`
    })
    return readAnswer(
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      z.object({ object: created }),
      ref.data
    ).object.sha
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw error
  }
}
