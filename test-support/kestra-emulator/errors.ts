/**
 * Kestra's error answers: Micronaut JsonError bodies (≤ 1.3) or, optionally, 2.0's RFC 9457 problem
 * bodies (docs/kestra.md#errors). Handlers throw ApiError; the server renders it.
 */

export interface EmbeddedError {
  message: string
  path: string
}

/** 2.0 problem slugs (https://kestra.io/docs/api-reference/problems/<slug>). */
export type ProblemSlug =
  | 'invalid-entity'
  | 'invalid-argument'
  | 'entity-already-exists'
  | 'not-found'
  | 'unauthenticated'
  | 'forbidden'
  | 'bad-request'
  | 'conflict'
  | 'resource-expired'
  | 'invalid-query-filters'
  | 'unsupported-media-type'
  | 'internal-server-error'
  | 'method-not-allowed'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Short reason replacing the HTTP reason phrase, e.g. 'Invalid entity'. */
    readonly reason: string,
    /** Text after `<reason>: ` in the message, if any. */
    readonly detail: string | undefined,
    readonly slug: ProblemSlug,
    readonly embedded?: EmbeddedError[]
  ) {
    super(detail === undefined ? reason : `${reason}: ${detail}`)
    this.name = 'ApiError'
  }
}

/** Micronaut's answer for a URI whose routes take other methods. */
export function methodNotAllowed(method: string, uri: string, allowed: string): ApiError {
  const detail = `Method [${method}] not allowed for URI [${uri}]. Allowed methods: [${allowed}]`
  return new ApiError(405, 'Method Not Allowed', detail, 'method-not-allowed')
}

export function notFound(detail?: string): ApiError {
  return new ApiError(404, 'Not Found', detail, 'not-found')
}

export function invalidEntity(detail: string, embedded: EmbeddedError[]): ApiError {
  return new ApiError(422, 'Invalid entity', detail, 'invalid-entity', embedded)
}

export function illegalArgument(detail: string): ApiError {
  return new ApiError(422, 'Illegal argument', detail, 'invalid-argument')
}

export function invalidJson(detail: string): ApiError {
  return new ApiError(422, 'Invalid json', detail, 'invalid-entity')
}

export function badRequest(detail: string): ApiError {
  return new ApiError(400, 'Bad Request', detail, 'bad-request')
}

export function unsupportedMediaType(contentType: string | undefined): ApiError {
  return new ApiError(
    415,
    'Unsupported Media Type',
    `Unsupported Media Type: ${contentType ?? 'none'}`,
    'unsupported-media-type'
  )
}

export function internalError(detail: string): ApiError {
  return new ApiError(500, 'Internal server error', detail, 'internal-server-error')
}

/** `IllegalStateException` → 409 `Illegal state: …` (ErrorController). */
export function illegalState(detail: string): ApiError {
  return new ApiError(409, 'Illegal state', detail, 'conflict')
}

export function resourceExpired(detail: string): ApiError {
  return new ApiError(410, 'Resource has expired', detail, 'resource-expired')
}

/** Micronaut JsonError: `{message, _links.self, _embedded?.errors}`. */
export function jsonErrorBody(error: ApiError, href: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    message: error.message,
    _links: { self: { href, templated: false } }
  }
  if (error.embedded) body._embedded = { errors: error.embedded }
  return body
}

export const PROBLEM_TYPE_BASE = 'https://kestra.io/docs/api-reference/problems/'

/** RFC 9457 body as 2.0 sends it with `application/problem+json`. */
export function problemBody(
  status: number,
  title: string,
  slug: ProblemSlug,
  detail: string | undefined,
  instance: string,
  errors?: EmbeddedError[]
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: PROBLEM_TYPE_BASE + slug,
    title,
    status,
    instance
  }
  if (detail !== undefined) body.detail = detail
  if (errors) {
    body.errors = errors.map((e) => ({
      detail: e.message,
      pointer: toPointer(e.path),
      path: e.path,
      type: PROBLEM_TYPE_BASE + slug
    }))
  }
  body.traceId = '00000000000000000000000000000000'
  return body
}

/** `tasks[1].type` → `/tasks/1/type`; '' stays ''. */
export function toPointer(path: string): string {
  if (path === '') return ''
  const parts = path
    .replace(/\[([^\]]*)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '')
  return '/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
}
