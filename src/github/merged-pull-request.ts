import { apiError, httpStatus } from './errors.js'
import type { RepoClient } from './repo-ref.js'

/** The merged PR a pushed commit came from: the one whose merge commit it is, else the first merged one. */
export async function findMergedPullRequest(
  client: RepoClient,
  sha: string
): Promise<number | undefined> {
  let pulls: { number: number; merged_at: string | null; merge_commit_sha: string | null }[]
  try {
    const response = await client.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: client.owner,
      repo: client.repo,
      commit_sha: sha,
      per_page: 100
    })
    pulls = response.data
  } catch (error) {
    // 422 "No commit found for SHA": a commit GitHub does not know has no PR.
    if (httpStatus(error) === 404 || httpStatus(error) === 422) return undefined
    throw apiError(`finding the pull request of commit ${sha.slice(0, 12)}`, error)
  }
  const merged = pulls.filter((pull) => pull.merged_at)
  return (merged.find((pull) => pull.merge_commit_sha === sha) ?? merged[0])?.number
}
