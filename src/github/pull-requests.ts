import { apiError, httpStatus } from './errors.js'
import type { PullRequestState } from '../model/github.js'
import type { RepoClient } from './octokit.js'

interface PullJson {
  number: number
  state: string
  head: { sha: string; repo?: unknown }
  base: { sha: string; repo?: unknown }
}

/** A pull request as GitHub holds it now, or undefined when the repository has none of that number. */
export async function getPullRequest(
  client: RepoClient,
  number: number
): Promise<PullRequestState | undefined> {
  try {
    const response = await client.octokit.rest.pulls.get({
      owner: client.owner,
      repo: client.repo,
      pull_number: number
    })
    return stateOf(response.data as PullJson)
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw apiError(`reading pull request #${number}`, error)
  }
}

/** The open pull requests whose head is `label` (`owner:branch`, the listing's documented filter). */
export async function openPullRequestsOf(
  client: RepoClient,
  label: string
): Promise<PullRequestState[]> {
  try {
    const response = await client.octokit.rest.pulls.list({
      owner: client.owner,
      repo: client.repo,
      state: 'open',
      head: label,
      per_page: 100
    })
    return (response.data as PullJson[]).map(stateOf)
  } catch (error) {
    throw apiError(`finding the pull requests of ${label}`, error)
  }
}

function stateOf(pull: PullJson): PullRequestState {
  return {
    number: pull.number,
    state: pull.state === 'open' ? 'open' : 'closed',
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    headRepository: pull.head.repo,
    baseRepository: pull.base.repo
  }
}

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
