import { z } from 'zod'
import { apiError, httpStatus, readAnswer } from './errors.js'
import type { PullRequestState } from '../model/github.js'
import type { RepoClient } from './octokit.js'

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

/** A pull request a commit belongs to, as GitHub lists it. */
const associated = z.object({
  number: z.int(),
  merged_at: z.string().nullable(),
  merge_commit_sha: z.string().nullable()
})

/** A pull request as GitHub holds it now, or undefined when the repository has none of that number. */
export async function getPullRequest(
  client: RepoClient,
  number: number
): Promise<PullRequestState | undefined> {
  let response
  try {
    response = await client.octokit.rest.pulls.get({
      owner: client.owner,
      repo: client.repo,
      pull_number: number
    })
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw apiError(`reading pull request #${number}`, error)
  }
  return readAnswer('GET /repos/{owner}/{repo}/pulls/{pull_number}', pull, response.data)
}

/** The open pull requests whose head is `label` (`owner:branch`, the listing's documented filter). */
export async function openPullRequestsOf(
  client: RepoClient,
  label: string
): Promise<PullRequestState[]> {
  let response
  try {
    response = await client.octokit.rest.pulls.list({
      owner: client.owner,
      repo: client.repo,
      state: 'open',
      head: label,
      per_page: 100
    })
  } catch (error) {
    throw apiError(`finding the pull requests of ${label}`, error)
  }
  return readAnswer('GET /repos/{owner}/{repo}/pulls', z.array(pull), response.data)
}

/** The merged PR a pushed commit came from: the one whose merge commit it is, else the first merged one. */
export async function findMergedPullRequest(
  client: RepoClient,
  sha: string
): Promise<number | undefined> {
  let pulls: unknown
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
  const merged = readAnswer(
    'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
    z.array(associated),
    pulls
  ).filter((pull) => pull.merged_at)
  return (merged.find((pull) => pull.merge_commit_sha === sha) ?? merged[0])?.number
}
