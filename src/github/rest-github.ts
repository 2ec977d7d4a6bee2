import { createOctokit, type Octokit } from './octokit.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type {
  ChangedPath,
  ChangedPathList,
  CompareResult,
  GitHubPort,
  PullRequestState
} from '../model/github.js'
import type { Settings } from '../model/settings.js'
import { deploymentReads, deploymentWrites } from './deployments.js'
import { driftIssues, driftPulls, writeDriftBranch } from './drift.js'
import { z } from 'zod'
import { apiError, httpStatus, readAnswer } from './errors.js'
import { StickyComments } from './sticky-comment.js'

const defaultBranch = z.object({ default_branch: z.string() })

/** Every GitHub port of a run, built once by the entry (none without a token): docs/environments.md, docs/drift.md. */
export async function gitHubPorts(
  settings: Pick<Settings, 'githubToken' | 'pullRequestToken'>,
  at: { owner: string; repo: string; apiUrl: string },
  log: (message: string) => void
): Promise<{ github?: GitHubPort; drift?: DriftGitHub; deployments?: DeploymentsPort }> {
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
        let answer
        try {
          answer = await octokit.rest.repos.get(repository)
        } catch (error) {
          throw apiError('reading the repository’s default branch', error)
        }
        const read = readAnswer('GET /repos/{owner}/{repo}', defaultBranch, answer.data)
        return read.default_branch
      },
      ...driftIssues(client),
      writeBranch: (branch) => writeDriftBranch(pullClient, branch),
      ...driftPulls(pullClient)
    },
    deployments: { ...deploymentReads(client), ...deploymentWrites(client) }
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

/** The GitHubPort over GitHub's REST API, for one repository. */
export function createGitHub(
  octokit: Octokit,
  repository: { owner: string; repo: string }
): GitHubPort {
  const repo = { owner: repository.owner, repo: repository.repo }
  const comments = new StickyComments({ octokit, ...repo })
  return {
    // Pages by number and stops on a short page: past the cap GitHub answers empty pages while its Link
    // header still points further.
    async listPullRequestFiles(pr): Promise<ChangedPathList> {
      const files: ChangedPath[] = []
      try {
        for (let page = 1; files.length < PR_FILES_CAP; page++) {
          const { data } = await octokit.rest.pulls.listFiles({
            ...repo,
            pull_number: pr,
            per_page: PER_PAGE,
            page
          })
          const listed = readAnswer(
            'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
            z.array(changedFile),
            data
          )
          files.push(...listed)
          if (listed.length < PER_PAGE) break
        }
      } catch (error) {
        throw apiError(`listing the files of pull request #${pr}`, error)
      }
      return { files, truncated: files.length >= PR_FILES_CAP }
    },
    async compareCommits(base, head): Promise<CompareResult> {
      let response
      try {
        const basehead = `${base}...${head}`
        response = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead })
      } catch (error) {
        throw apiError(`comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`, error)
      }
      const { files, status } = readAnswer(
        'GET /repos/{owner}/{repo}/compare/{basehead}',
        comparison,
        response.data
      )
      return { files, truncated: files.length >= COMPARE_FILES_CAP, status }
    },
    findStickyComment: async (issue, marker) => (await comments.all(issue, marker))[0],
    stickyComments: (issue, marker) => comments.all(issue, marker),
    commentsByThisToken: (issue, marker) => comments.byIdentity(issue, marker),
    upsertStickyComment: (issue, marker, body, seen, sent) =>
      comments.upsert(issue, marker, body, seen, sent),
    updateComment: (id, body) => comments.update(id, body),
    /** The merged PR a pushed commit came from: the one whose merge commit it is, else the first merged one. */
    async findMergedPullRequest(sha) {
      let pulls: unknown
      try {
        const response = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          ...repo,
          commit_sha: sha,
          per_page: 100
        })
        pulls = response.data
      } catch (error) {
        // 422 "No commit found for SHA": a commit GitHub does not know has no PR.
        if (httpStatus(error) === 404 || httpStatus(error) === 422) return undefined
        throw apiError(`finding the pull request of commit ${sha.slice(0, 12)}`, error)
      }
      const merged = readAnswer(
        'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
        z.array(associated),
        pulls
      ).filter((pull) => pull.merged_at)
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
    async openPullRequestsOf(label) {
      let response
      try {
        response = await octokit.rest.pulls.list({
          ...repo,
          state: 'open',
          head: label,
          per_page: 100
        })
      } catch (error) {
        throw apiError(`finding the pull requests of ${label}`, error)
      }
      return readAnswer('GET /repos/{owner}/{repo}/pulls', z.array(pull), response.data)
    },
    /** Through the contents API (a shallow local history); a file over 1 MB comes back without content, so is fetched raw. */
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
