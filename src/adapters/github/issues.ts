import { ask, type RepoClient, repoOf } from './octokit.js'
import type {
  DriftGitHub,
  DriftIssueText,
  Forbidden,
  IssueOutcome
} from '../../model/drift-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { author, firstLine, writtenByThisToken } from './sticky-comment.js'
import { errorMessage } from '../../model/errors.js'

export const written = z.object({ number: z.int(), html_url: z.string() })
/** An issue or pull request written, as its outcome names it. */
export const writtenOutcome = written.transform(({ number, html_url }) => ({
  number,
  url: html_url
}))

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
export function driftIssues(client: RepoClient): Pick<DriftGitHub, 'keepIssue' | 'closeIssue'> {
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
