export interface RetryOptions {
  /** Attempts per request, the first included (default 4). */
  maxAttempts?: number
  /** Total time spent waiting between attempts of one request (default 60 000 ms). */
  maxWaitMs?: number
  /** First backoff step (default 500 ms); doubles per attempt, with jitter. */
  baseDelayMs?: number
}

export interface RetryInfo {
  method: string
  path: string
  attempt: number
  reason: string
  delayMs: number
}

export type RetryPolicy = Required<RetryOptions>

const MAX_SINGLE_BACKOFF_MS = 15_000

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    maxWaitMs: Math.max(0, options.maxWaitMs ?? 60_000),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 500)
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/** Why a failed request is worth retrying (connection reset, timeout…), or undefined when it is not. */
export function transientReason(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown }
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code
    if (typeof message === 'string' && /socket hang up/i.test(message)) return 'socket hang up'
    if (name === 'TimeoutError') return 'timeout'
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** `Retry-After` as milliseconds (delta-seconds or HTTP-date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Capped exponential backoff with jitter (between half and the full step). */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const step = Math.min(MAX_SINGLE_BACKOFF_MS, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(step * (0.5 + random() / 2))
}
