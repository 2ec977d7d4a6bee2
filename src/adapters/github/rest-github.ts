import { ask, createOctokit, type Octokit, pages } from './octokit.js'
import type { DeploymentsPort } from '../../model/deployments-port.js'
import type { DriftGitHub } from '../../model/drift-port.js'
import type {
  ChangedPath,
  ChangedPathList,
  CompareResult,
  GitHubPort,
  PullRequestState
} from '../../model/github.js'
import type { Settings } from '../../model/settings.js'
import { z } from 'zod'
import { apiError, httpStatus, readAnswer } from './errors.js'
import { stickyComments } from './sticky-comment.js'
import type { ReviewPort } from '../../model/suggestion.js'
import { reviewSuggestions } from './review-suggestions.js'
import { deploymentReads, deploymentWrites } from './deployments.js'
import { driftIssues } from './issues.js'
import { driftPulls } from './pulls.js'
import { writeDriftBranch } from './git-database.js'

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
        return { paths: files, truncated: files.length >= PR_FILES_CAP }
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
      return { paths: files, truncated: files.length >= COMPARE_FILES_CAP, status }
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
