import { ask, repoOf } from './octokit.js'
import type { DriftGitHub, Forbidden, PullOutcome } from '../../model/drift-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError } from './errors.js'
import { type NamedClient, tokenRefusal } from './sticky-comment.js'
import { errorMessage } from '../../model/errors.js'
import { written, writtenOutcome } from './issues.js'
import { commitOf, existingHead, writtenByTheAction } from './git-database.js'

const openPull = written.extend({ title: z.string(), body: z.string().nullable() })

/** The repository setting that lets the workflow's token open pull requests. */
const ACTIONS_SETTING =
  "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'"

/** The one drift pull request (docs/drift.md#the-drift-pull-request): kept while drift remains, then closed. */
export function driftPulls(
  client: NamedClient
): Pick<DriftGitHub, 'keepPullRequest' | 'closePullRequest'> {
  const { octokit } = client
  const repo = repoOf(client)
  const openFrom = async (head: string) => {
    const params = { head: `${client.owner}:${head}`, state: 'open', per_page: 100 }
    return (await ask(client, 'GET /repos/{owner}/{repo}/pulls', z.array(openPull), params))[0]
  }
  const forbidden = async (error: unknown, doing: string): Promise<Forbidden> => {
    const message = await tokenRefusal(client, httpStatus(error), doing, 'Pull requests')
    return { status: 'forbidden', message }
  }
  return {
    async keepPullRequest(pull): Promise<PullOutcome> {
      try {
        const open = await openFrom(pull.head)
        if (open) {
          if (open.body === pull.body && open.title === pull.title) {
            return { status: 'unchanged', number: open.number, url: open.html_url }
          }
          await octokit.rest.pulls.update({
            ...repo,
            pull_number: open.number,
            title: pull.title,
            body: pull.body
          })
          return { status: 'updated', number: open.number, url: open.html_url }
        }
        const route = 'POST /repos/{owner}/{repo}/pulls'
        return { status: 'created', ...(await ask(client, route, writtenOutcome, pull)) }
      } catch (error) {
        if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
          return {
            status: 'forbidden',
            message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or give pull-request-token the token of a GitHub App or a person, which it does not bind (docs/drift.md#permissions).`
          }
        }
        if (httpStatus(error) === 401 || isPermissionError(error)) {
          return forbidden(error, `opening the pull request from ${pull.head}`)
        }
        throw apiError(`opening the pull request from ${pull.head}`, error)
      }
    },
    async closePullRequest(head, comment, trailer) {
      try {
        const open = await openFrom(head)
        if (!open) return undefined
        const current = await existingHead(client, head)
        if (current && !writtenByTheAction(await commitOf(client, current), trailer)) {
          return { status: 'foreign', number: open.number, url: open.html_url }
        }
        await octokit.rest.issues.createComment({
          ...repo,
          issue_number: open.number,
          body: comment
        })
        await octokit.rest.pulls.update({ ...repo, pull_number: open.number, state: 'closed' })
        return { status: 'closed', number: open.number, url: open.html_url }
      } catch (error) {
        const status = httpStatus(error)
        if (status === 401 || (isPermissionError(error) && status !== 404)) {
          return forbidden(error, `closing the pull request from ${head}`)
        }
        throw apiError(`closing the pull request from ${head}`, error)
      }
    }
  }
}
