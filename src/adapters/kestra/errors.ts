import { z } from 'zod'
import { parsedJson } from './constraints.js'
import { ActionError } from '../../model/errors.js'
import type { ServerConstraint } from '../../model/kestra.js'
import type { ResourceResult } from '../../model/result.js'

const REMEDIATION: Record<number, string> = {
  401: 'check the username/password or api-token inputs (and that the server URL and tenant are right)',
  403: 'the credentials lack permission for this namespace/tenant (or the tenant is wrong)'
}

interface ApiErrorDetails {
  /** Undefined when no answer came. */
  status: number | undefined
  method: string
  path: string
  /** What the server said, or why the request failed. */
  serverMessage: string
  violations?: ServerConstraint[]
  /** A write whose answer was lost: applied or not (docs/rollback.md#writes-whose-answer-was-lost). */
  outcomeUnknown?: boolean
  /** The request body's size: an answer 413 names it, with the limit to raise. */
  sentBytes?: number
  /** A 401 then says the credentials are missing, not wrong. */
  noCredentials?: boolean
}

const NO_CREDENTIALS =
  'the server asks for credentials and none were given: set username and password, or api-token'

/**
 * Kestra takes 10 GB: a body refused as too large nearly always met a proxy's 1 MiB
 * (docs/kestra.md#validation-behind-a-proxy).
 */
export const BODY_LIMIT_REMEDY =
  "raise the proxy's request body limit (nginx: `client_max_body_size`; ingress-nginx: the " +
  '`nginx.ingress.kubernetes.io/proxy-body-size` annotation)'

export function bodyRefused(bytes: number): string {
  return `the server, or a proxy in front of it, refused a body of ${bytes.toLocaleString('en-US')} bytes as too large`
}

export class ApiError extends ActionError {
  override name = 'ApiError'
  readonly status: number | undefined
  readonly method: string
  readonly path: string
  readonly serverMessage: string
  readonly violations: ServerConstraint[]
  readonly outcomeUnknown: boolean
  readonly sentBytes: number | undefined
  /** A body refused as too large (413): sending it again is refused again until the limit is raised. */
  readonly bodyRefused: boolean
  readonly noCredentials: boolean

  constructor(details: ApiErrorDetails) {
    super(describe(details))
    this.status = details.status
    this.method = details.method
    this.path = details.path
    this.serverMessage = details.serverMessage
    this.violations = details.violations ?? []
    this.outcomeUnknown = details.outcomeUnknown ?? false
    this.sentBytes = details.sentBytes
    this.bodyRefused = isBodyRefused(details)
    this.noCredentials = details.noCredentials ?? false
  }
}

export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof ApiError && error.outcomeUnknown
}

export function failureMarks(
  error: unknown
): Pick<ResourceResult, 'outcomeUnknown' | 'bodyRefused'> {
  if (!(error instanceof ApiError)) return {}
  return {
    ...(error.outcomeUnknown && { outcomeUnknown: true as const }),
    ...(error.bodyRefused && { bodyRefused: true as const })
  }
}

/** What a deploy whose writes of `names` were refused as too large needs before a re-run, `remedy` as spelt. */
export function limitBeforeRerun(names: readonly string[], remedy = BODY_LIMIT_REMEDY): string {
  const were = names.length === 1 ? 'was' : 'were'
  return `${names.join(', ')} ${were} refused as too large, and a re-run is refused again until the limit is raised: ${remedy}`
}

function isBodyRefused(details: ApiErrorDetails): boolean {
  return details.status === 413 && (details.sentBytes ?? 0) > 0
}

function describe(details: ApiErrorDetails): string {
  const { status, method, path, serverMessage } = details
  const unknown = details.outcomeUnknown
    ? '; Kestra may or may not have applied this write (its answer was lost)'
    : ''
  if (status === undefined) {
    return `Kestra did not answer ${method} ${path}: ${serverMessage} (check the server input and that Kestra is reachable)${unknown}`
  }
  const remedy =
    isBodyRefused(details) && details.sentBytes
      ? `${bodyRefused(details.sentBytes)}: ${BODY_LIMIT_REMEDY}, then re-run`
      : status === 401 && details.noCredentials
        ? NO_CREDENTIALS
        : REMEDIATION[status]
  const said = serverMessage ? `: ${serverMessage}` : ''
  return remedy
    ? `Kestra answered ${status} to ${method} ${path}${said}; ${remedy}${unknown}`
    : `Kestra answered ${status} to ${method} ${path}${said}${unknown}`
}

interface ErrorBody {
  message: string
  violations: ServerConstraint[]
}

/**
 * Reads an error answer of any Kestra release: Micronaut `JsonError`, RFC 9457 problem+json, a bare status, or a
 * proxy's HTML. The message is kept whole: the output edge cuts it once redacted, never leaving part of a
 * credential.
 */
export function parseErrorBody(body: Uint8Array, statusText: string): ErrorBody {
  const text = new TextDecoder().decode(body).trim()
  const record = errorAnswer.safeParse(parsedJson(text)).data
  if (record) {
    const violations = [record._embedded?.errors, record.errors].flatMap(readViolations)
    const main = firstString(record.message, record.detail, record.title)
    const missing = violations.filter((v) => !main?.includes(v.message)).map(violationText)
    const message = [main, missing.join(', ')].filter(Boolean).join(': ')
    return { message: message || statusText, violations }
  }
  if (text === '' || text.startsWith('<')) return { message: statusText, violations: [] }
  return { message: text, violations: [] }
}

const optionalText = z.unknown().optional()
const violationList = z.array(z.unknown()).optional().catch(undefined)
const errorAnswer = z.object({
  message: optionalText,
  detail: optionalText,
  title: optionalText,
  errors: violationList,
  _embedded: z.object({ errors: violationList }).optional().catch(undefined)
})
const violationItem = z.object({
  message: optionalText,
  detail: optionalText,
  path: z.string().optional().catch(undefined),
  pointer: z.string().optional().catch(undefined)
})

function readViolations(list: unknown[] | undefined): ServerConstraint[] {
  return (list ?? []).flatMap((item): ServerConstraint[] => {
    const record = violationItem.safeParse(item).data
    const message = record && firstString(record.message, record.detail)
    if (!message) return []
    const violation: ServerConstraint = { message }
    if (record.path) violation.path = record.path
    if (record.pointer) violation.pointer = record.pointer
    return [violation]
  })
}

function violationText(violation: ServerConstraint): string {
  return violation.path ? `${violation.path}: ${violation.message}` : violation.message
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim()) return value.trim()
  return undefined
}
