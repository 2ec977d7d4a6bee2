import { errorMessage } from '../../model/errors.js'
import type { Forbidden, PullOutcome } from '../../model/drift-port.js'
import { apiError, httpStatus, isPermissionError } from '../../github/errors.js'
import type { RepoClient } from '../../github/octokit.js'

/** The repository setting that lets the workflow's token open pull requests. */
const ACTIONS_SETTING =
  "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'"

/**
 * The one drift pull request from the drift branch (docs/drift.md#the-drift-pull-request): updated while
 * open, opened otherwise, closed with a comment when the drift is gone.
 */
export class DriftPulls {
  constructor(private readonly client: RepoClient) {}

  async keep(pull: {
    head: string
    base: string
    title: string
    body: string
  }): Promise<PullOutcome> {
    try {
      const open = await this.openFrom(pull.head)
      const { octokit } = this.client
      if (open) {
        if (open.body === pull.body && open.title === pull.title) {
          return { status: 'unchanged', number: open.number, url: open.html_url }
        }
        await octokit.rest.pulls.update({
          ...this.repo(),
          pull_number: open.number,
          title: pull.title,
          body: pull.body
        })
        return { status: 'updated', number: open.number, url: open.html_url }
      }
      const created = await octokit.rest.pulls.create({ ...this.repo(), ...pull })
      return { status: 'created', number: created.data.number, url: created.data.html_url }
    } catch (error) {
      if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
        return {
          status: 'forbidden',
          message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or pass a github-token that may (docs/drift.md#permissions).`
        }
      }
      if (isPermissionError(error)) return pullsForbidden(pull.head)
      throw apiError(`opening the pull request from ${pull.head}`, error)
    }
  }

  async close(head: string, comment: string): Promise<PullOutcome | undefined> {
    try {
      const open = await this.openFrom(head)
      if (!open) return undefined
      const { octokit } = this.client
      await octokit.rest.issues.createComment({
        ...this.repo(),
        issue_number: open.number,
        body: comment
      })
      await octokit.rest.pulls.update({ ...this.repo(), pull_number: open.number, state: 'closed' })
      return { status: 'closed', number: open.number, url: open.html_url }
    } catch (error) {
      if (isPermissionError(error) && httpStatus(error) !== 404) return pullsForbidden(head)
      throw apiError(`closing the pull request from ${head}`, error)
    }
  }

  private async openFrom(head: string) {
    const { data } = await this.client.octokit.rest.pulls.list({
      ...this.repo(),
      head: `${this.client.owner}:${head}`,
      state: 'open',
      per_page: 100
    })
    return data[0]
  }

  private repo() {
    return { owner: this.client.owner, repo: this.client.repo }
  }
}

function pullsForbidden(head: string): Forbidden {
  return {
    status: 'forbidden',
    message: `The token cannot open or close the pull request from ${head}: grant \`permissions: pull-requests: write\` to the job (docs/drift.md#permissions).`
  }
}
