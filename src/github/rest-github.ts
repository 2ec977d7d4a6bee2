import { compareCommits, getFileAtRef, listPullRequestFiles } from './changed-paths.js'
import { findMergedPullRequest, getPullRequest, openPullRequestsOf } from './pull-requests.js'
import { createOctokit, type Octokit } from './octokit.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type { GitHubPort } from '../model/github.js'
import type { Settings } from '../model/settings.js'
import { deploymentReads, deploymentWrites } from './deployments.js'
import { DriftIssues, DriftPulls, writeDriftBranch } from './drift.js'
import { z } from 'zod'
import { apiError, readAnswer } from './errors.js'
import { StickyComments } from './sticky-comment.js'

const defaultBranch = z.object({ default_branch: z.string() })

/**
 * Every port of GitHub a run talks to, built once by the action's entry (none without a token): the
 * GitHubPort, the deployments (docs/environments.md) and the drift watch's issue, branch and pull request
 * (docs/drift.md).
 */
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
  const issues = new DriftIssues(client)
  const pulls = new DriftPulls(pullClient)
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
      keepIssue: (issue) => issues.keep(issue),
      closeIssue: (marker, label, comment) => issues.close(marker, label, comment),
      writeBranch: (branch) => writeDriftBranch(pullClient, branch),
      keepPullRequest: (pull) => pulls.keep(pull),
      closePullRequest: (head, comment) => pulls.close(head, comment)
    },
    deployments: { ...deploymentReads(client), ...deploymentWrites(client) }
  }
}

/** The GitHubPort over GitHub's REST API, for one repository. */
export function createGitHub(
  octokit: Octokit,
  repository: { owner: string; repo: string }
): GitHubPort {
  const client = { octokit, ...repository }
  const comments = new StickyComments(client)
  return {
    listPullRequestFiles: (pr) => listPullRequestFiles(client, pr),
    compareCommits: (base, head) => compareCommits(client, base, head),
    findStickyComment: async (issue, marker) => (await comments.all(issue, marker))[0],
    stickyComments: (issue, marker) => comments.all(issue, marker),
    commentsByThisToken: (issue, marker) => comments.byIdentity(issue, marker),
    upsertStickyComment: (issue, marker, body, seen, sent) =>
      comments.upsert(issue, marker, body, seen, sent),
    updateComment: (id, body) => comments.update(id, body),
    findMergedPullRequest: (sha) => findMergedPullRequest(client, sha),
    pullRequest: (number) => getPullRequest(client, number),
    openPullRequestsOf: (label) => openPullRequestsOf(client, label),
    getFileAtRef: (path, ref) => getFileAtRef(client, path, ref)
  }
}
