import { errorMessage } from '../model/errors.js'
import type { DriftIssueText, Forbidden, IssueOutcome } from '../model/drift-port.js'
import { apiError, httpStatus, isPermissionError } from './errors.js'
import type { RepoClient } from './octokit.js'
import { authoredByTheAction } from './sticky-comment.js'
import { viewerLogin } from './identity.js'

interface ListedIssue {
  number: number
  html_url: string
  body?: string | null
  state?: string
  pull_request?: unknown
  user: { login: string; type: string } | null
}

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
        return { status: 'created', number: created.data.number, url: created.data.html_url }
      }
      const reopen = found.state !== 'open'
      const updated = await octokit.rest.issues.update({
        ...this.repo(),
        issue_number: found.number,
        title: issue.title,
        body: issue.body,
        ...(reopen && { state: 'open' as const })
      })
      return {
        status: reopen ? 'reopened' : 'updated',
        number: updated.data.number,
        url: updated.data.html_url
      }
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
    const listed: ListedIssue[] = await this.client.octokit.paginate(
      this.client.octokit.rest.issues.listForRepo,
      { ...this.repo(), labels: label, state: 'all', per_page: 100 }
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

function firstLine(body: string | null | undefined): string {
  return (body ?? '').split('\n', 1)[0]!.trim()
}
