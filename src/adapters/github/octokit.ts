import type { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { z } from 'zod'
import { apiError, readAnswer } from './errors.js'

export type Octokit = ReturnType<typeof getOctokit>

interface CreateOctokitOptions {
  /** Overrides GITHUB_API_URL (which @actions/github reads when it is first imported). */
  baseUrl?: string
  /** Rate-limit queueing and retries (default true); fast tests turn it off. */
  throttle?: boolean
  /** Where rate-limit waits and Octokit's own warnings are reported (the run's reporter). */
  log?: (message: string) => void
}

const MAX_RATE_LIMIT_RETRIES = 2

/**
 * The one place an Octokit is built (GHES, proxies, retry, throttling). @actions/github parses the event payload
 * as it loads: loaded here, after the run context has checked that file, so a malformed one is explained.
 */
export async function createOctokit(
  token: string,
  options: CreateOctokitOptions = {}
): Promise<Octokit> {
  const { getOctokit } = await import('@actions/github')
  const log = options.log ?? (() => {})
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ) => {
      const again = retryCount < MAX_RATE_LIMIT_RETRIES
      log(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}` +
          (again ? `; retrying in ${retryAfter} s` : '; giving up')
      )
      return again
    }
  return getOctokit(
    token,
    {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      log: { debug: () => {}, info: () => {}, warn: log, error: log },
      // 429 is left to the throttling plugin, which honours retry-after.
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle:
        options.throttle === false
          ? { enabled: false }
          : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') }
    },
    // First, so that its hook is the innermost: it runs past the rate limiter's queue.
    toldWhenSent,
    retry,
    throttling
  )
}

/** `request.sent` is told when the request leaves, past the rate limiter's queue (docs/comment.md). */
function toldWhenSent(octokit: {
  hook: { before(name: 'request', hook: (options: { request?: object }) => void): void }
}) {
  octokit.hook.before('request', (options) =>
    (options.request as { sent?: () => void } | undefined)?.sent?.()
  )
}

export interface RepoClient {
  octokit: Octokit
  owner: string
  repo: string
}

export function repoOf({ owner, repo }: RepoClient): { owner: string; repo: string } {
  return { owner, repo }
}

/**
 * `route` of the client's repository sent with `params`, its answer read by `schema` (`readAnswer`); with `doing`, a
 * failed request is the `apiError` saying so.
 */
export async function ask<T>(
  client: RepoClient,
  route: string,
  schema: z.ZodType<T>,
  params: object = {},
  doing?: string
): Promise<T> {
  let answer
  try {
    answer = await client.octokit.request(route, { ...repoOf(client), ...params })
  } catch (error) {
    throw doing === undefined ? error : apiError(doing, error)
  }
  return readAnswer(route, schema, answer.data)
}

const PER_PAGE = 100

/**
 * Pages 1, 2, … of a listing until a short page or `enough`: past its cap GitHub may answer empty pages while its
 * Link header still points further.
 */
export async function pages<T>(
  client: RepoClient,
  route: string,
  item: z.ZodType<T>,
  params: object,
  enough: (found: T[], page: number) => boolean
): Promise<T[]> {
  const found: T[] = []
  for (let page = 1; ; page++) {
    const read = await ask(client, route, z.array(item), { ...params, per_page: PER_PAGE, page })
    found.push(...read)
    if (read.length < PER_PAGE || enough(found, page)) return found
  }
}
