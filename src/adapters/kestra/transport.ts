import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, type Dispatcher, EnvHttpProxyAgent, FormData, request, Response } from 'undici'
import type { Auth } from '../../model/settings.js'
import { ApiError, parseErrorBody } from './errors.js'
import { Semaphore } from '../../model/concurrency.js'
import { utf8Length } from '../../model/content.js'

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']

/** One keep-alive pool for the run, honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY; loopback never proxied. */
export function createDispatcher(connections: number, env = process.env): Dispatcher {
  const options = { connections, keepAliveTimeout: 10_000 }
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').trim()
  if ((!httpProxy && !httpsProxy) || noProxy === '*') return new Agent(options)
  return new EnvHttpProxyAgent({
    ...options,
    httpProxy,
    httpsProxy,
    noProxy: [noProxy, ...LOOPBACK].filter(Boolean).join(',')
  })
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface HttpRequest {
  method: Method
  /** On the server, encoded, with its query string. */
  path: string
  /** For request counting, e.g. `/flows/{namespace}`. */
  route: string
  headers?: Record<string, string>
  /** Buffered so a retry resends the same bytes. */
  body?: Uint8Array | string
  /** Statuses ≥ 400 returned to the caller instead of thrown (e.g. 404 for "absent"). */
  allow?: readonly number[]
  /**
   * Epoch ms bounding the whole request, retries included: each attempt's timeout is cut to it, no retry passes
   * it.
   */
  deadline?: number
  /** Sent once, never retried: a request that must not take effect twice (the caller resolves a failure). */
  once?: boolean
  /** A POST that changes nothing on the server (a validation, an export): its failure is no unknown write. */
  readOnly?: boolean
  /** Waits ahead of the requests queued for a place: what the run's other work waits on. */
  first?: boolean
}

export interface HttpResponse {
  method: Method
  path: string
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Uint8Array
  attempts: number
  sentBytes: number
}

interface TransportOptions {
  server: string
  auth: Auth
  timeoutMs: number
  concurrency: number
  userAgent: string
  retry: RetryPolicy
  dispatcher: Dispatcher
  onRetry?: (info: RetryInfo) => void
}

type Attempt = { response: HttpResponse } | { error: unknown; reason: string }

/**
 * Sends requests with auth, a deadline per attempt, bounded concurrency and retries of transient failures. Answers
 * come as sent: decisions read real values, and the output edge alone redacts what is shown (docs/security.md).
 */
export class Transport {
  private readonly semaphore: Semaphore
  private readonly counts: Record<string, number> = {}
  private readonly authorization: string | undefined

  constructor(private readonly options: TransportOptions) {
    this.semaphore = new Semaphore(options.concurrency)
    this.authorization = authorizationHeader(options.auth)
  }

  requestCount(): Record<string, number> {
    return { ...this.counts }
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    // A write is `lost` once an attempt of it went unanswered or answered 5xx/429: from then on, a failure
    // cannot say whether the server applied it (docs/rollback.md#writes-whose-answer-was-lost).
    let lost = false
    try {
      return await this.sendAttempts(req, () => (lost = req.method !== 'GET' && !req.readOnly))
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      const unsigned = error.status === 401 && !this.authorization && !error.noCredentials
      if (!unsigned && (!lost || error.outcomeUnknown)) throw error
      const { status, method, path, serverMessage, violations, sentBytes } = error
      throw new ApiError({
        status,
        method,
        path,
        serverMessage,
        violations,
        sentBytes,
        ...(unsigned && { noCredentials: true }),
        outcomeUnknown: lost || error.outcomeUnknown
      })
    }
  }

  private async sendAttempts(req: HttpRequest, onLost: () => void): Promise<HttpResponse> {
    const { retry } = this.options
    const attempts = req.once ? 1 : retry.maxAttempts
    let waited = 0
    for (let attempt = 1; ; attempt++) {
      if (req.deadline !== undefined && Date.now() >= req.deadline) {
        throw this.unanswered(req, new RequestTimeout(0, true))
      }
      const outcome = await this.semaphore.run(() => this.attempt(req, attempt), req.first)
      const finish = (): HttpResponse => {
        if (!('response' in outcome)) throw this.unanswered(req, outcome.error)
        const { response } = outcome
        if (response.status < 400 || req.allow?.includes(response.status)) return response
        throw responseError(response)
      }
      let reason: string
      let delayMs = backoffMs(retry, attempt)
      if ('response' in outcome) {
        if (!isRetryableStatus(outcome.response.status)) return finish()
        reason = `HTTP ${outcome.response.status}`
        delayMs = retryAfterMs(header(outcome.response, 'retry-after')) ?? delayMs
      } else {
        reason = outcome.reason
      }
      onLost()
      const pastDeadline = req.deadline !== undefined && Date.now() + delayMs >= req.deadline
      if (attempt >= attempts || waited + delayMs > retry.maxWaitMs || pastDeadline) return finish()
      this.options.onRetry?.({ method: req.method, path: req.path, attempt, reason, delayMs })
      waited += delayMs
      await sleep(delayMs)
    }
  }

  private async attempt(req: HttpRequest, attempt: number): Promise<Attempt> {
    const key = `${req.method} ${req.route}`
    this.counts[key] = (this.counts[key] ?? 0) + 1
    const headers: Record<string, string> = {
      accept: 'application/json, application/octet-stream, */*',
      'user-agent': this.options.userAgent,
      ...req.headers
    }
    if (this.authorization) headers.authorization = this.authorization
    // The deadline covers the whole exchange, a trickling answer too (docs/guarantees.md#retries-and-deadlines):
    // `timeout-seconds`, or less when the request's own deadline comes first (then `cut`).
    const left = req.deadline === undefined ? Infinity : Math.max(0, req.deadline - Date.now())
    const cut = left < this.options.timeoutMs
    const timeoutMs = cut ? left : this.options.timeoutMs
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new RequestTimeout(timeoutMs, cut)), timeoutMs)
    try {
      const res = await request(this.options.server + req.path, {
        method: req.method,
        headers,
        body: req.body,
        dispatcher: this.options.dispatcher,
        signal: deadline.signal,
        // Never shorter than the deadline: undici's defaults would cut a long timeout-seconds.
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs
      })
      return {
        response: {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          headers: res.headers,
          body: await readBody(res.body, res.headers['content-length']),
          attempts: attempt,
          sentBytes: typeof req.body === 'string' ? utf8Length(req.body) : (req.body?.length ?? 0)
        }
      }
    } catch (error) {
      const reason = transientReason(deadline.signal.reason ?? error)
      if (reason === undefined) throw this.unanswered(req, error)
      return { error: deadline.signal.reason ?? error, reason }
    } finally {
      clearTimeout(timer)
    }
  }

  private unanswered(req: HttpRequest, error: unknown): ApiError {
    if (error instanceof ApiError) return error
    const { code, message } = error as { code?: unknown; message?: unknown }
    const text = typeof message === 'string' && message ? message : String(error)
    const said = typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text
    const { method, path } = req
    return new ApiError({ status: undefined, method, path, serverMessage: said })
  }
}

/** A `multipart/form-data` body as undici encodes it (CRLF line breaks, as browsers), buffered for retries. */
export async function formBody(
  parts: readonly (readonly [string, string | Blob, string?])[]
): Promise<{ contentType: string; body: Uint8Array }> {
  const form = new FormData()
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, value, filename)
  }
  const encoded = new Response(form)
  const body = new Uint8Array(await encoded.arrayBuffer())
  return { contentType: encoded.headers.get('content-type')!, body }
}

/** The ApiError for a successful answer the client cannot read (not JSON, not the shape expected). */
export function unreadableAnswer(response: HttpResponse, serverMessage: string): ApiError {
  const { status, method, path } = response
  return new ApiError({ status, method, path, serverMessage })
}

export function responseError({ status, method, path, body, sentBytes }: HttpResponse): ApiError {
  const { message, violations } = parseErrorBody(body, `HTTP ${status}`)
  return new ApiError({ status, method, path, serverMessage: message, violations, sentBytes })
}

function authorizationHeader(auth: Auth): string | undefined {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`
  if (auth.kind === 'basic') {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  }
  return undefined
}

/** The attempt ran out of `timeout-seconds` (or of its caller's deadline), headers or body. */
class RequestTimeout extends Error {
  override name = 'TimeoutError'
  constructor(timeoutMs: number, cut: boolean) {
    super(
      !cut
        ? `timed out after ${timeoutMs / 1000} s (timeout-seconds bounds each request, its whole answer included)`
        : timeoutMs === 0
          ? 'not sent: its deadline had passed'
          : `timed out after ${timeoutMs / 1000} s, when its deadline came`
    )
  }
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Bytes set aside on a server's announced length before they arrive (a body; a zip entry's size). */
export const PREALLOCATED_AT_MOST = 64 * 1024 * 1024

/**
 * The whole answer. With a length announced, each chunk is copied into one buffer as it arrives: an export is
 * not held twice (chunks plus their concatenation) while it downloads.
 */
async function readBody(
  body: AsyncIterable<Uint8Array>,
  contentLength: string | string[] | undefined
): Promise<Uint8Array> {
  const announced = typeof contentLength === 'string' ? Number(contentLength) : NaN
  if (!Number.isSafeInteger(announced) || announced < 0) {
    const chunks: Uint8Array[] = []
    for await (const chunk of body) chunks.push(chunk)
    const joined = Buffer.concat(chunks)
    return new Uint8Array(joined.buffer, joined.byteOffset, joined.length)
  }
  // The announced length is the server's word: a buffer beyond this grows only as bytes really arrive.
  let bytes = new Uint8Array(Math.min(announced, PREALLOCATED_AT_MOST))
  let length = 0
  for await (const chunk of body) {
    if (length + chunk.length > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, length + chunk.length))
      grown.set(bytes.subarray(0, length))
      bytes = grown
    }
    bytes.set(chunk, length)
    length += chunk.length
  }
  return length === bytes.length ? bytes : bytes.subarray(0, length)
}

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

type RetryPolicy = Required<RetryOptions>

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

/**
 * A status worth asking again: too many requests, or a server error that may pass. 501 (Not Implemented) and 505
 * (HTTP Version Not Supported) say the server cannot do it at all, as a 405 does: asking again changes nothing.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505)
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
