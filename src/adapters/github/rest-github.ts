import { ask, createOctokit, type Octokit, type RepoClient, repoOf } from './octokit.js'
import type {
  DeploymentReads,
  DeploymentRecord,
  DeploymentsPort,
  DeploymentStatusRecord,
  DeploymentWrites
} from '../../model/deployments-port.js'
import type {
  BranchOutcome,
  DriftBranch,
  DriftGitHub,
  DriftIssueText,
  Forbidden,
  IssueOutcome,
  PullOutcome
} from '../../model/drift-port.js'
import type {
  ChangedPath,
  ChangedPathList,
  CompareResult,
  GitHubPort,
  PullRequestState
} from '../../model/github.js'
import type { Settings } from '../../model/settings.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import {
  author,
  firstLine,
  type NamedClient,
  stickyComments,
  tokenRefusal,
  writtenByThisToken
} from './sticky-comment.js'
import { isDeciding } from '../../model/verification.js'
import type { ReviewPort } from '../../model/suggestion.js'
import { reviewSuggestions } from './review-suggestions.js'
import { ConfigError, errorMessage } from '../../model/errors.js'

const defaultBranch = z.object({ default_branch: z.string() })

/** A run's GitHub ports, built once by the entry (none without a token): docs/environments.md, docs/drift.md */
export async function gitHubPorts(
  settings: Pick<Settings, 'githubToken' | 'pullRequestToken'>,
  at: { owner: string; repo: string; apiUrl: string },
  log: (message: string) => void
): Promise<{
  github?: GitHubPort
  drift?: DriftGitHub
  deployments?: DeploymentsPort
  review?: ReviewPort
}> {
  if (!settings.githubToken || !at.owner) return {}
  const octokit = await createOctokit(settings.githubToken, { baseUrl: at.apiUrl, log })
  // The branch and pull requests the action opens are written with their own token when one is given:
  // GitHub starts no workflow for a pull request that github-token opens (docs/drift.md).
  const pullOctokit = settings.pullRequestToken
    ? await createOctokit(settings.pullRequestToken, { baseUrl: at.apiUrl, log })
    : octokit
  const repository = { owner: at.owner, repo: at.repo }
  const client = { octokit, ...repository }
  // The branch and its pull request are written with the pull token, whose refusals name its input.
  const token = settings.pullRequestToken ? 'pull-request-token' : 'github-token'
  const pullClient = { octokit: pullOctokit, token, ...repository } as const
  return {
    github: createGitHub(octokit, repository),
    drift: {
      defaultBranch: async () => {
        const doing = 'reading the repository’s default branch'
        return (await ask(client, 'GET /repos/{owner}/{repo}', defaultBranch, {}, doing))
          .default_branch
      },
      ...driftIssues(client),
      writeBranch: (branch) => writeDriftBranch(pullClient, branch),
      ...driftPulls(pullClient)
    },
    deployments: { ...deploymentReads(client), ...deploymentWrites(client) },
    review: reviewSuggestions(client)
  }
}

const PER_PAGE = 100
/** GitHub lists at most this many files of a pull request. */
const PR_FILES_CAP = 3000
/** A compare lists at most this many files. */
const COMPARE_FILES_CAP = 300

const changedFile = z
  .object({ filename: z.string(), previous_filename: z.string().optional() })
  .transform(({ filename, previous_filename }): ChangedPath =>
    previous_filename ? { path: filename, previousPath: previous_filename } : { path: filename }
  )

const comparison = z.object({
  files: z.array(changedFile).default([]),
  status: z.enum(['ahead', 'behind', 'diverged', 'identical'])
})

/** A path's contents: a file's, inline when under 1 MB (anything else, a folder's listing, is no file). */
const contents = z.union([
  z.object({
    type: z.literal('file'),
    encoding: z.string().optional().catch(undefined),
    content: z.string().optional().catch(undefined),
    size: z.number().optional().catch(undefined)
  }),
  z.unknown().transform(() => undefined)
])

/** A pull request's fields the action reads; `repo` is checked by the fork rule (`sameRepository`). */
const side = z.object({ sha: z.string(), repo: z.unknown().optional() })
const pull = z
  .object({ number: z.int(), state: z.string(), head: side, base: side })
  .transform((pull): PullRequestState => ({
    number: pull.number,
    state: pull.state === 'open' ? 'open' : 'closed',
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    headRepository: pull.head.repo,
    baseRepository: pull.base.repo
  }))

const associated = z.object({
  number: z.int(),
  merged_at: z.string().nullable(),
  merge_commit_sha: z.string().nullable()
})

export function createGitHub(
  octokit: Octokit,
  repository: { owner: string; repo: string }
): GitHubPort {
  const repo = { owner: repository.owner, repo: repository.repo }
  const client = { octokit, ...repo }
  return {
    async listPullRequestFiles(pr): Promise<ChangedPathList> {
      try {
        const files = await pages(
          client,
          'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
          changedFile,
          { pull_number: pr },
          (found) => found.length >= PR_FILES_CAP
        )
        return { files, truncated: files.length >= PR_FILES_CAP }
      } catch (error) {
        throw apiError(`listing the files of pull request #${pr}`, error)
      }
    },
    async compareCommits(base, head): Promise<CompareResult> {
      const { files, status } = await ask(
        client,
        'GET /repos/{owner}/{repo}/compare/{basehead}',
        comparison,
        { basehead: `${base}...${head}` },
        `comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`
      )
      return { files, truncated: files.length >= COMPARE_FILES_CAP, status }
    },
    ...stickyComments(client),
    /** The merged PR a pushed commit came from: the one whose merge commit it is, else the first merged one. */
    async findMergedPullRequest(sha) {
      const route = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls'
      let pulls: unknown
      try {
        pulls = (await octokit.request(route, { ...repo, commit_sha: sha, per_page: 100 })).data
      } catch (error) {
        // 422 "No commit found for SHA": a commit GitHub does not know has no PR.
        if (httpStatus(error) === 404 || httpStatus(error) === 422) return undefined
        throw apiError(`finding the pull request of commit ${sha.slice(0, 12)}`, error)
      }
      const merged = readAnswer(route, z.array(associated), pulls).filter((pull) => pull.merged_at)
      return (merged.find((pull) => pull.merge_commit_sha === sha) ?? merged[0])?.number
    },
    async pullRequest(number) {
      let response
      try {
        response = await octokit.rest.pulls.get({ ...repo, pull_number: number })
      } catch (error) {
        if (httpStatus(error) === 404) return undefined
        throw apiError(`reading pull request #${number}`, error)
      }
      return readAnswer('GET /repos/{owner}/{repo}/pulls/{pull_number}', pull, response.data)
    },
    /** The open pull requests whose head is `label` (`owner:branch`, the listing's documented filter). */
    openPullRequestsOf: (label) =>
      ask(
        client,
        'GET /repos/{owner}/{repo}/pulls',
        z.array(pull),
        { state: 'open', head: label, per_page: 100 },
        `finding the pull requests of ${label}`
      ),
    /** Via the contents API (shallow local history); a file over 1 MB comes back empty, so is fetched raw. */
    async getFileAtRef(path, ref) {
      const route = 'GET /repos/{owner}/{repo}/contents/{+path}'
      // `{+path}` keeps the slashes; every segment is encoded here so '#', '?' and '%' stay literal.
      const params = { ...repo, path: path.split('/').map(encodeURIComponent).join('/'), ref }
      try {
        const { data } = await octokit.request(route, params)
        const entry = readAnswer(route, contents, data)
        if (!entry) return undefined
        if (entry.encoding === 'base64' && (entry.content || entry.size === 0)) {
          return new Uint8Array(Buffer.from(entry.content ?? '', 'base64'))
        }
        const raw = await octokit.request(route, {
          ...params,
          mediaType: { format: 'raw' },
          request: { parseSuccessResponseBody: false }
        })
        const body = raw.data as unknown as ReadableStream
        return new Uint8Array(await new Response(body).arrayBuffer())
      } catch (error) {
        if (httpStatus(error) === 404) return undefined
        throw apiError(`reading ${path} at ${ref.slice(0, 12)}`, error)
      }
    }
  }
}

/** Statuses read per deployment at most; with no deciding state among them the deployment stays pending. */
const STATUS_PAGES = 10

const deployment = z
  .object({
    id: z.int(),
    sha: z.string(),
    environment: z.string(),
    transient_environment: z.boolean().optional(),
    created_at: z.string(),
    payload: z.unknown().optional()
  })
  .transform((d): DeploymentRecord => ({
    id: d.id,
    sha: d.sha,
    environment: d.environment,
    transient: d.transient_environment === true,
    createdAt: d.created_at,
    payload: d.payload
  }))

const url = z.string().nullish()
const status = z
  .object({
    id: z.int(),
    state: z.string(),
    environment_url: url,
    log_url: url,
    target_url: url,
    created_at: z.string()
  })
  .transform((s): DeploymentStatusRecord => ({
    id: s.id,
    state: s.state,
    environmentUrl: s.environment_url ?? '',
    logUrl: s.log_url ?? s.target_url ?? '',
    createdAt: s.created_at
  }))

const DEPLOYMENTS_READ_HELP =
  "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job."

/** Listing deployments and statuses (https://docs.github.com/rest/deployments/deployments#list-deployments). */
function deploymentReads(client: RepoClient): DeploymentReads {
  return {
    async deployments(filter, limit) {
      try {
        const found = await pages(
          client,
          'GET /repos/{owner}/{repo}/deployments',
          deployment,
          filter,
          (found) => found.length >= limit
        )
        return found.slice(0, limit)
      } catch (error) {
        const help = isPermissionError(error) ? ` (${DEPLOYMENTS_READ_HELP})` : ''
        throw apiError(`listing deployments${help}`, error)
      }
    },
    async statuses(deploymentId) {
      try {
        // Newest first: a page that holds a deciding state ends the reading (docs/environments.md#promotion).
        return await pages(
          client,
          'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
          status,
          { deployment_id: deploymentId },
          (found, page) => page >= STATUS_PAGES || found.some((s) => isDeciding(s.state))
        )
      } catch (error) {
        throw apiError(`listing the statuses of deployment ${deploymentId}`, error)
      }
    }
  }
}

/**
 * Pages 1, 2, … of a listing until a short page or `enough`: past its cap GitHub may answer empty pages while its
 * Link header still points further.
 */
async function pages<T>(
  client: RepoClient,
  route: string,
  item: z.ZodType<T>,
  params: object,
  enough: (found: T[], page: number) => boolean
): Promise<T[]> {
  const found: T[] = []
  for (let page = 1; ; page++) {
    const read = await ask(client, route, z.array(item), { ...params, per_page: PER_PAGE, page })
    found.push(...read)
    if (read.length < PER_PAGE || enough(found, page)) return found
  }
}

const created = z.object({ id: z.int() })

/** GitHub refuses a longer status description (422). */
const MAX_DESCRIPTION = 140

const DEPLOYMENTS_WRITE_HELP =
  "The token cannot write deployments: grant 'permissions: deployments: write' to the job (the environment and preview inputs record GitHub deployments)."

/**
 * Creating deployments (https://docs.github.com/rest/deployments/deployments#create-a-deployment) of the exact
 * commit: `auto_merge: false` (else GitHub merges the default branch in, or refuses an older SHA with 409) and
 * `required_contexts: []` (this job's own checks are still running).
 */
function deploymentWrites(client: RepoClient): DeploymentWrites {
  const repo = repoOf(client)
  return {
    async create(deployment) {
      try {
        const response = await client.octokit.rest.repos.createDeployment({
          ...repo,
          ref: deployment.sha,
          environment: deployment.environment,
          task: 'deploy',
          auto_merge: false,
          required_contexts: [],
          transient_environment: deployment.transient,
          description: deployment.description.slice(0, MAX_DESCRIPTION),
          payload: deployment.payload
        })
        if (response.status !== 201) {
          throw apiError('creating a deployment', {
            status: response.status,
            message: 'no deployment was created'
          })
        }
        return readAnswer('POST /repos/{owner}/{repo}/deployments', created, response.data).id
      } catch (error) {
        throw writeRefusal(
          `creating a deployment of ${deployment.sha} to ${deployment.environment}`,
          error
        )
      }
    },
    async addStatus(deploymentId, status) {
      try {
        await client.octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: deploymentId,
          state: status.state,
          description: status.description.slice(0, MAX_DESCRIPTION),
          ...(status.environmentUrl && { environment_url: status.environmentUrl }),
          ...(status.logUrl && { log_url: status.logUrl })
        })
      } catch (error) {
        throw writeRefusal(`setting deployment ${deploymentId} to ${status.state}`, error)
      }
    }
  }
}

function writeRefusal(doing: string, error: unknown): Error {
  if (!isPermissionError(error) || httpStatus(error) === 404) return apiError(doing, error)
  return new ConfigError('environment', DEPLOYMENTS_WRITE_HELP)
}

const written = z.object({ number: z.int(), html_url: z.string() })
/** An issue or pull request written, as its outcome names it. */
const writtenOutcome = written.transform(({ number, html_url }) => ({ number, url: html_url }))

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

/**
 * The drift issue of a comment-key (docs/drift.md#the-drift-issue): an open one, else the latest closed reopened.
 */
function driftIssues(client: RepoClient): Pick<DriftGitHub, 'keepIssue' | 'closeIssue'> {
  const { octokit } = client
  const repo = repoOf(client)
  const byThisToken = writtenByThisToken(client)
  const find = async (marker: string, label: string): Promise<ListedIssue | undefined> => {
    const route = 'GET /repos/{owner}/{repo}/issues'
    const params = { ...repo, labels: label, state: 'all' as const, per_page: 100 }
    const listed = readAnswer(route, z.array(listedIssue), await octokit.paginate(route, params))
    const ours = await byThisToken(
      listed.filter((issue) => !issue.pull_request && firstLine(issue.body) === marker)
    )
    const open = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number)
    return open[0] ?? ours.sort((a, b) => b.number - a.number)[0]
  }
  return {
    keepIssue: (issue: DriftIssueText): Promise<IssueOutcome> =>
      issuesGuard('writing the drift issue', async () => {
        const found = await find(issue.marker, issue.label)
        const { title, body } = issue
        if (!found) {
          const params = { title, body, labels: [issue.label] }
          const route = 'POST /repos/{owner}/{repo}/issues'
          return { status: 'created', ...(await ask(client, route, writtenOutcome, params)) }
        }
        const reopen = found.state !== 'open'
        const params = { issue_number: found.number, title, body, ...(reopen && { state: 'open' }) }
        const route = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}'
        const status = reopen ? 'reopened' : 'updated'
        return { status, ...(await ask(client, route, writtenOutcome, params)) }
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

/** The one drift pull request (docs/drift.md#the-drift-pull-request): kept while drift remains, then closed. */
function driftPulls(
  client: NamedClient
): Pick<DriftGitHub, 'keepPullRequest' | 'closePullRequest'> {
  const { octokit } = client
  const repo = repoOf(client)
  const openFrom = async (head: string) => {
    const params = { head: `${client.owner}:${head}`, state: 'open', per_page: 100 }
    return (await ask(client, 'GET /repos/{owner}/{repo}/pulls', z.array(openPull), params))[0]
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
        const route = 'POST /repos/{owner}/{repo}/pulls'
        return { status: 'created', ...(await ask(client, route, writtenOutcome, pull)) }
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
    async closePullRequest(head, comment, trailer) {
      try {
        const open = await openFrom(head)
        if (!open) return undefined
        const current = await existingHead(client, head)
        if (current && !writtenByTheAction(await commitOf(client, current), trailer)) {
          return { status: 'foreign', number: open.number, url: open.html_url }
        }
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
function writtenByTheAction(commit: CommitRead, trailer: string): boolean {
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
async function writeDriftBranch(client: NamedClient, branch: DriftBranch): Promise<BranchOutcome> {
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

function commitOf(client: RepoClient, sha: string): Promise<CommitRead> {
  const route = 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}'
  return ask(client, route, commitRead, { commit_sha: sha })
}

async function existingHead(client: RepoClient, name: string): Promise<string | undefined> {
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
