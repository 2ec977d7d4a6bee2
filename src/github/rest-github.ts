import { compareCommits, getFileAtRef, listPullRequestFiles } from './changed-paths.js'
import { findMergedPullRequest, getPullRequest, openPullRequestsOf } from './pull-requests.js'
import type { Octokit } from './octokit.js'
import type { GitHubPort } from '../model/github.js'
import { StickyComments } from './sticky-comment.js'

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
