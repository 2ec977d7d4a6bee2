import { z } from 'zod'
import { errorMessage } from '../model/errors.js'
import type { DriftIssueText, Forbidden, IssueOutcome } from '../model/drift-port.js'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import type { RepoClient } from './octokit.js'
import { author, authoredByTheAction, firstLine } from './sticky-comment.js'
import { viewerLogin } from './identity.js'

/** An issue or pull request as GitHub answers a write: its number and page. */
export const written = z.object({ number: z.int(), html_url: z.string() })

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
 * The drift issue of one comment-key (docs/drift.md#the-drift-issue): found by its label and the marker
 * on its first line, written by the action (never a person's copy); an open one is preferred, else the
 * latest closed one is reopened, so one issue carries a key's drift history.
 */
export class DriftIssues {
  private viewer?: Promise<string | undefined>

  constructor(private readonly client: RepoClient) {}

  async keep(issue: DriftIssueText): Promise<IssueOutcome> {
    return this.guard('writing the drift issue', async () => {
      const found = await this.find(issue.marker, issue.label)
      const { octokit } = this.client
      if (!found) {
        const created = await octokit.rest.issues.create({
          ...this.repo(),
          title: issue.title,
          body: issue.body,
          labels: [issue.label]
        })
        const { number, html_url } = readAnswer(
          'POST /repos/{owner}/{repo}/issues',
          written,
          created.data
        )
        return { status: 'created', number, url: html_url }
      }
      const reopen = found.state !== 'open'
      const updated = await octokit.rest.issues.update({
        ...this.repo(),
        issue_number: found.number,
        title: issue.title,
        body: issue.body,
        ...(reopen && { state: 'open' as const })
      })
      const { number, html_url } = readAnswer(
        'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
        written,
        updated.data
      )
      return { status: reopen ? 'reopened' : 'updated', number, url: html_url }
    })
  }

  async close(marker: string, label: string, comment: string): Promise<IssueOutcome | undefined> {
    return this.guard('closing the drift issue', async () => {
      const found = await this.find(marker, label)
      if (!found || found.state !== 'open') return undefined
      const { octokit } = this.client
      await octokit.rest.issues.createComment({
        ...this.repo(),
        issue_number: found.number,
        body: comment
      })
      await octokit.rest.issues.update({
        ...this.repo(),
        issue_number: found.number,
        state: 'closed',
        state_reason: 'completed'
      })
      return { status: 'closed', number: found.number, url: found.html_url }
    })
  }

  /** The action's issue with the marker: the oldest open one, else the newest closed one. */
  private async find(marker: string, label: string): Promise<ListedIssue | undefined> {
    const listed = readAnswer(
      'GET /repos/{owner}/{repo}/issues',
      z.array(listedIssue),
      await this.client.octokit.paginate(this.client.octokit.rest.issues.listForRepo, {
        ...this.repo(),
        labels: label,
        state: 'all',
        per_page: 100
      })
    )
    const ours: ListedIssue[] = []
    for (const issue of listed) {
      if (issue.pull_request || firstLine(issue.body) !== marker) continue
      const viewer = () => (this.viewer ??= viewerLogin(this.client))
      if (await authoredByTheAction(issue.user, viewer)) ours.push(issue)
    }
    const open = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number)
    return open[0] ?? ours.sort((a, b) => b.number - a.number)[0]
  }

  private async guard<T>(operation: string, action: () => Promise<T>): Promise<T | Forbidden> {
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

  private repo() {
    return { owner: this.client.owner, repo: this.client.repo }
  }
}
