import type { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

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
 * The one place an Octokit is built: GHES and proxies via @actions/github, plus retry and throttling.
 * @actions/github parses the event payload (GITHUB_EVENT_PATH) as it loads, and a malformed one would
 * throw a bare SyntaxError: it is loaded here, after the run context has checked that file and said
 * what is wrong with it.
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
  const octokit = getOctokit(
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
  return octokit
}

/**
 * A request whose options carry `request.sent` tells it when the request leaves for GitHub, past the rate
 * limiter's queue: the plan's comment is written while the rest of the run goes on (docs/comment.md).
 */
function toldWhenSent(octokit: {
  hook: { before(name: 'request', hook: (options: { request?: object }) => void): void }
}) {
  octokit.hook.before('request', (options) =>
    (options.request as { sent?: () => void } | undefined)?.sent?.()
  )
}

/** An Octokit bound to the repository the action runs for. */
export interface RepoClient {
  octokit: Octokit
  owner: string
  repo: string
}

export function repoOf({ owner, repo }: RepoClient): { owner: string; repo: string } {
  return { owner, repo }
}
