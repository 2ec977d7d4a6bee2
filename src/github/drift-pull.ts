import { errorMessage } from '../model/errors.js'
import type { Forbidden, PullOutcome } from '../model/drift-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { tokenRefusal, type NamedClient } from './identity.js'
import { written } from './drift-issue.js'

/** An open pull request's fields the action reads. */
const openPull = written.extend({ title: z.string(), body: z.string().nullable() })

/** The repository setting that lets the workflow's token open pull requests. */
const ACTIONS_SETTING =
  "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'"

/**
 * The one drift pull request from the drift branch (docs/drift.md#the-drift-pull-request): updated while
 * open, opened otherwise, closed with a comment when the drift is gone.
 */
export class DriftPulls {
  constructor(private readonly client: NamedClient) {}

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
      const { number, html_url } = readAnswer(
        'POST /repos/{owner}/{repo}/pulls',
        written,
        created.data
      )
      return { status: 'created', number, url: html_url }
    } catch (error) {
      if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
        return {
          status: 'forbidden',
          message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or give pull-request-token the token of a GitHub App or a person, which it does not bind (docs/drift.md#permissions).`
        }
      }
      if (httpStatus(error) === 401 || isPermissionError(error)) {
        return this.forbidden(error, `opening the pull request from ${pull.head}`)
      }
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
      const status = httpStatus(error)
      if (status === 401 || (isPermissionError(error) && status !== 404)) {
        return this.forbidden(error, `closing the pull request from ${head}`)
      }
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
    return readAnswer('GET /repos/{owner}/{repo}/pulls', z.array(openPull), data)[0]
  }

  private async forbidden(error: unknown, doing: string): Promise<Forbidden> {
    const message = await tokenRefusal(this.client, httpStatus(error), doing, 'Pull requests')
    return { status: 'forbidden', message }
  }

  private repo() {
    return { owner: this.client.owner, repo: this.client.repo }
  }
}
