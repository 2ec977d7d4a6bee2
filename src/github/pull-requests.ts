import { apiError, httpStatus } from './errors.js'
import type { PullRequestState } from '../model/github.js'
import type { RepoClient } from './repo-ref.js'

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
