import { z } from 'zod'
import { errorMessage } from '../../model/errors.js'
import type { ReviewPort, SuggestOutcome } from '../../model/suggestion.js'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { repoOf, type RepoClient } from './octokit.js'
import { tokenIdentity } from './sticky-comment.js'

const user = z.object({ login: z.string(), type: z.string() }).nullable()
/** A review comment's fields the action reads (https://docs.github.com/rest/pulls/comments). */
const reviewComment = z.object({ id: z.int(), body: z.string().nullish(), user })
const pullFile = z.object({ filename: z.string(), patch: z.string().optional() })
const createdReview = z.object({ id: z.int(), html_url: z.string() })

/** GitHub lists at most this many files of a pull request. */
const PR_FILES_CAP = 3000

const SUGGEST_PERMISSION_HELP =
  "The token cannot write review comments, so the fixes were not offered as suggested changes: grant `permissions: pull-requests: write` to the job; a fork's pull request gets a read-only token (docs/suggested-changes.md#permissions)."

/**
 * Suggested changes through GitHub's pull request reviews (docs/suggested-changes.md#the-api): one review of the
 * head commit (`POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`, `event: COMMENT`) whose comments each
 * carry a ```suggestion block on the head's lines (`line`, `side: RIGHT`, and `start_line`, `start_side` for
 * several lines). A suggestion is posted once: the review comments already on the pull request
 * (`GET /repos/{owner}/{repo}/pulls/{pull_number}/comments`) written by this token's own identity are read for
 * their markers first; anyone else's never count.
 */
export function reviewSuggestions(client: RepoClient): ReviewPort {
  const repo = repoOf(client)
  let identity: Promise<string | undefined> | undefined
  return {
    async pullRequestPatches(pr) {
      const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'
      try {
        const files = readAnswer(
          route,
          z.array(pullFile),
          await client.octokit.paginate(route, { ...repo, pull_number: pr, per_page: 100 })
        )
        return new Map(
          files
            .slice(0, PR_FILES_CAP)
            .flatMap((file) => (file.patch === undefined ? [] : [[file.filename, file.patch]]))
        )
      } catch (error) {
        throw apiError(`listing the changes of pull request #${pr}`, error)
      }
    },
    async suggest(pr, commit, review): Promise<SuggestOutcome> {
      try {
        const login = await (identity ??= tokenIdentity(client))
        if (login === undefined) {
          return {
            status: 'refused',
            message:
              'GitHub would not say which identity the token acts as, so its earlier suggestions cannot be told from anyone else’s: none were posted, so that none is posted twice.'
          }
        }
        const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments'
        const listed = readAnswer(
          route,
          z.array(reviewComment),
          await client.octokit.paginate(route, { ...repo, pull_number: pr, per_page: 100 })
        )
        const posted = new Set(
          listed.filter((c) => c.user && isIdentity(c.user, login)).map((c) => firstLine(c.body))
        )
        const fresh = review.comments.filter((c) => !posted.has(firstLine(c.body)))
        const already = review.comments.length - fresh.length
        if (fresh.length === 0) return { status: 'reviewed', posted: 0, already }
        const answer = await client.octokit.request(
          'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
          {
            ...repo,
            pull_number: pr,
            commit_id: commit,
            event: 'COMMENT',
            body: review.body,
            comments: fresh.map((c) => ({
              path: c.file,
              body: c.body,
              line: c.endLine,
              side: 'RIGHT',
              ...(c.startLine < c.endLine && { start_line: c.startLine, start_side: 'RIGHT' })
            }))
          }
        )
        const created = readAnswer('POST …/reviews', createdReview, answer.data)
        return { status: 'reviewed', posted: fresh.length, already, url: created.html_url }
      } catch (error) {
        // 422: GitHub takes the review whole or not at all, e.g. "line must be part of the diff".
        if (httpStatus(error) === 422) return { status: 'refused', message: errorMessage(error) }
        if (isPermissionError(error))
          return { status: 'forbidden', message: SUGGEST_PERMISSION_HELP }
        throw apiError(`writing the suggested changes on #${pr}`, error)
      }
    }
  }
}

/** REST names an App's identity `<slug>[bot]`, which GraphQL's `viewer` may give without the suffix. */
function isIdentity(author: { login: string; type: string }, login: string): boolean {
  return author.login === login || (author.type === 'Bot' && author.login === `${login}[bot]`)
}

function firstLine(body: string | null | undefined): string {
  return (body ?? '').split('\n', 1)[0]!.trim()
}
