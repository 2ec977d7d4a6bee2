import { z } from 'zod'
import { errorMessage } from '../model/errors.js'
import type {
  BranchOutcome,
  DriftBranch,
  DriftGitHub,
  DriftIssueText,
  Forbidden,
  IssueOutcome,
  PullOutcome
} from '../model/drift-port.js'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { repoOf, type RepoClient } from './octokit.js'
import {
  author,
  authoredByTheAction,
  firstLine,
  type NamedClient,
  tokenRefusal,
  viewerLogin
} from './sticky-comment.js'

const written = z.object({ number: z.int(), html_url: z.string() })

/** An issue's fields the action reads (a pull request is listed among issues too). */
const listedIssue = written.extend({
  body: z.string().nullish(),
  state: z.string().optional(),
  pull_request: z.unknown().optional(),
  user: author
})
type ListedIssue = z.infer<typeof listedIssue>

const ISSUES_PERMISSION_HELP =
  'The token cannot write issues: grant `permissions: issues: write` to the job (docs/drift.md#permissions).'

/** The drift issue of one comment-key (docs/drift.md#the-drift-issue): an open one preferred, else the latest closed reopened. */
export function driftIssues(client: RepoClient): Pick<DriftGitHub, 'keepIssue' | 'closeIssue'> {
  const { octokit } = client
  const repo = repoOf(client)
  let viewer: Promise<string | undefined> | undefined
  /** The action's issue with the marker: the oldest open one, else the newest closed one. */
  const find = async (marker: string, label: string): Promise<ListedIssue | undefined> => {
    const listed = readAnswer(
      'GET /repos/{owner}/{repo}/issues',
      z.array(listedIssue),
      await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repo,
        labels: label,
        state: 'all',
        per_page: 100
      })
    )
    const ours: ListedIssue[] = []
    for (const issue of listed) {
      if (issue.pull_request || firstLine(issue.body) !== marker) continue
      if (await authoredByTheAction(issue.user, () => (viewer ??= viewerLogin(client)))) {
        ours.push(issue)
      }
    }
    const open = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number)
    return open[0] ?? ours.sort((a, b) => b.number - a.number)[0]
  }
  return {
    keepIssue: (issue: DriftIssueText): Promise<IssueOutcome> =>
      issuesGuard('writing the drift issue', async () => {
        const found = await find(issue.marker, issue.label)
        if (!found) {
          const created = await octokit.rest.issues.create({
            ...repo,
            title: issue.title,
            body: issue.body,
            labels: [issue.label]
          })
          const { number, html_url } = readAnswer(
            'POST /repos/{owner}/{repo}/issues',
            written,
            created.data
          )
          return { status: 'created', number, url: html_url }
        }
        const reopen = found.state !== 'open'
        const updated = await octokit.rest.issues.update({
          ...repo,
          issue_number: found.number,
          title: issue.title,
          body: issue.body,
          ...(reopen && { state: 'open' as const })
        })
        const { number, html_url } = readAnswer(
          'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
          written,
          updated.data
        )
        return { status: reopen ? 'reopened' : 'updated', number, url: html_url }
      }),
    closeIssue: (marker, label, comment) =>
      issuesGuard('closing the drift issue', async () => {
        const found = await find(marker, label)
        if (!found || found.state !== 'open') return undefined
        const issue_number = found.number
        await octokit.rest.issues.createComment({ ...repo, issue_number, body: comment })
        await octokit.rest.issues.update({
          ...repo,
          issue_number,
          state: 'closed',
          state_reason: 'completed'
        })
        return { status: 'closed', number: found.number, url: found.html_url }
      })
  }
}

async function issuesGuard<T>(operation: string, action: () => Promise<T>): Promise<T | Forbidden> {
  try {
    return await action()
  } catch (error) {
    if (httpStatus(error) === 410) {
      return {
        status: 'forbidden',
        message: `Issues are turned off for this repository (${errorMessage(error)}): turn them on in the repository's settings to get the drift issue.`
      }
    }
    if (isPermissionError(error)) return { status: 'forbidden', message: ISSUES_PERMISSION_HELP }
    throw apiError(operation, error)
  }
}

const openPull = written.extend({ title: z.string(), body: z.string().nullable() })

/** The repository setting that lets the workflow's token open pull requests. */
const ACTIONS_SETTING =
  "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'"

/** The one drift pull request (docs/drift.md#the-drift-pull-request): updated while open, opened otherwise, closed when drift is gone. */
export function driftPulls(
  client: NamedClient
): Pick<DriftGitHub, 'keepPullRequest' | 'closePullRequest'> {
  const { octokit } = client
  const repo = repoOf(client)
  const openFrom = async (head: string) => {
    const { data } = await octokit.rest.pulls.list({
      ...repo,
      head: `${client.owner}:${head}`,
      state: 'open',
      per_page: 100
    })
    return readAnswer('GET /repos/{owner}/{repo}/pulls', z.array(openPull), data)[0]
  }
  const forbidden = async (error: unknown, doing: string): Promise<Forbidden> => {
    const message = await tokenRefusal(client, httpStatus(error), doing, 'Pull requests')
    return { status: 'forbidden', message }
  }
  return {
    async keepPullRequest(pull): Promise<PullOutcome> {
      try {
        const open = await openFrom(pull.head)
        if (open) {
          if (open.body === pull.body && open.title === pull.title) {
            return { status: 'unchanged', number: open.number, url: open.html_url }
          }
          await octokit.rest.pulls.update({
            ...repo,
            pull_number: open.number,
            title: pull.title,
            body: pull.body
          })
          return { status: 'updated', number: open.number, url: open.html_url }
        }
        const created = await octokit.rest.pulls.create({ ...repo, ...pull })
        const { number, html_url } = readAnswer(
          'POST /repos/{owner}/{repo}/pulls',
          written,
          created.data
        )
        return { status: 'created', number, url: html_url }
      } catch (error) {
        if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
          return {
            status: 'forbidden',
            message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or give pull-request-token the token of a GitHub App or a person, which it does not bind (docs/drift.md#permissions).`
          }
        }
        if (httpStatus(error) === 401 || isPermissionError(error)) {
          return forbidden(error, `opening the pull request from ${pull.head}`)
        }
        throw apiError(`opening the pull request from ${pull.head}`, error)
      }
    },
    async closePullRequest(head, comment) {
      try {
        const open = await openFrom(head)
        if (!open) return undefined
        await octokit.rest.issues.createComment({
          ...repo,
          issue_number: open.number,
          body: comment
        })
        await octokit.rest.pulls.update({ ...repo, pull_number: open.number, state: 'closed' })
        return { status: 'closed', number: open.number, url: open.html_url }
      } catch (error) {
        const status = httpStatus(error)
        if (status === 401 || (isPermissionError(error) && status !== 404)) {
          return forbidden(error, `closing the pull request from ${head}`)
        }
        throw apiError(`closing the pull request from ${head}`, error)
      }
    }
  }
}

const FILE_MODE = '100644'

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
 * The drift branch, written through GitHub's git database (docs/drift.md#the-drift-pull-request), so no `git push`
 * credentials: one commit on the planned commit, rewritten when the drift changes, left alone under someone else's.
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
  const repo = repoOf(client)
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
    const ref = await client.octokit.rest.git.getRef({ ...repoOf(client), ref: `heads/${name}` })
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
