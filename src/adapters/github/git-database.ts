import { ask, type RepoClient, repoOf } from './octokit.js'
import type { BranchOutcome, DriftBranch } from '../../model/drift-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError } from './errors.js'
import { type NamedClient, tokenRefusal } from './sticky-comment.js'

const FILE_MODE = '100644'

const createdObject = z.object({ sha: z.string() })
/** A commit's author or committer: only its date is read. */
const signature = z.object({ date: z.string() }).nullish().catch(undefined)
const commitRead = z.object({
  message: z.string(),
  tree: createdObject,
  parents: z.array(createdObject),
  author: signature,
  committer: signature
})
type CommitRead = z.infer<typeof commitRead>

/** The line of the action's commit message that names the tree it wrote. */
const TREE_TRAILER = 'Kestra-GitOps-Tree: '

/**
 * Whether `commit` is the one the action wrote on its branch (docs/drift.md#the-drift-pull-request), as it wrote
 * it: its trailer, one parent, the tree its message names (a commit of an earlier version names none), and never
 * amended, rebased or picked since (git gives each a new committer date; the action's has its author's).
 */
export function writtenByTheAction(commit: CommitRead, trailer: string): boolean {
  const lines = commit.message.split('\n')
  if (!lines.includes(trailer) || commit.parents.length !== 1) return false
  const authored = Date.parse(commit.author?.date ?? '')
  if (Number.isNaN(authored) || authored !== Date.parse(commit.committer?.date ?? '')) return false
  const named = lines.filter((line) => line.startsWith(TREE_TRAILER))
  return named.length === 0 || (named.length === 1 && named[0] === TREE_TRAILER + commit.tree.sha)
}
const treeRead = z.object({
  tree: z.array(
    z.object({ type: z.string(), path: z.string().optional(), mode: z.string().optional() })
  )
})

/**
 * The drift branch, written through GitHub's git database (docs/drift.md#the-drift-pull-request), so no `git push`
 * credentials: one commit on the planned commit, rewritten when the drift changes, left alone under someone
 * else's.
 */
export async function writeDriftBranch(
  client: NamedClient,
  branch: DriftBranch
): Promise<BranchOutcome> {
  try {
    const { octokit } = client
    const repo = repoOf(client)
    const base = await commitOf(client, branch.base)
    const current = await existingHead(client, branch.name)
    const currentCommit = current ? await commitOf(client, current) : undefined
    if (current && !(currentCommit && writtenByTheAction(currentCommit, branch.trailer))) {
      return { status: 'foreign', sha: current }
    }
    const baseTree = await ask(client, 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', treeRead, {
      tree_sha: base.tree.sha,
      recursive: 'true'
    })
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
      const { sha } = await ask(client, 'POST /repos/{owner}/{repo}/git/blobs', createdObject, {
        content: Buffer.from(item.content).toString('base64'),
        encoding: 'base64'
      })
      const mode = modes.get(item.path) === '100755' ? '100755' : FILE_MODE
      entries.push({ path: item.path, mode, type: 'blob', sha } as const)
    }
    if (entries.length === 0) return { status: 'empty' }
    const tree = await ask(client, 'POST /repos/{owner}/{repo}/git/trees', createdObject, {
      base_tree: base.tree.sha,
      tree: entries
    })
    if (tree.sha === base.tree.sha) return { status: 'empty' }
    if (
      current &&
      currentCommit?.tree.sha === tree.sha &&
      currentCommit.parents.map((p) => p.sha).join() === branch.base
    ) {
      return { status: 'unchanged', sha: current }
    }
    const { sha } = await ask(client, 'POST /repos/{owner}/{repo}/git/commits', createdObject, {
      message: `${branch.message}\n\n${branch.trailer}\n${TREE_TRAILER}${tree.sha}`,
      tree: tree.sha,
      parents: [branch.base]
    })
    if (current) {
      await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch.name}`, sha, force: true })
    } else {
      await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch.name}`, sha })
    }
    return { status: 'written', sha }
  } catch (error) {
    const status = httpStatus(error)
    if (status === 401 || isPermissionError(error)) {
      const doing = `writing the drift branch ${branch.name}`
      return { status: 'forbidden', message: await tokenRefusal(client, status, doing, 'Contents') }
    }
    throw apiError(`writing the branch ${branch.name}`, error)
  }
}

export function commitOf(client: RepoClient, sha: string): Promise<CommitRead> {
  const route = 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}'
  return ask(client, route, commitRead, { commit_sha: sha })
}

export async function existingHead(client: RepoClient, name: string): Promise<string | undefined> {
  try {
    const route = 'GET /repos/{owner}/{repo}/git/ref/{ref}'
    const ref = await ask(client, route, z.object({ object: createdObject }), {
      ref: `heads/${name}`
    })
    return ref.object.sha
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw error
  }
}
