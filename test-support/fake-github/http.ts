/**
 * GitHub REST answers shared by every area of the fake: error bodies as the REST docs define them
 * ("Basic Error" `{message, documentation_url, status}`, "Validation Error" with `errors[]`) and
 * Link-header pagination (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */

export const DOCS = 'https://docs.github.com/rest'

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  raw?: Uint8Array
}

export interface Request {
  method: string
  /** Path without the query string, percent-decoded. */
  path: string
  query: Record<string, string>
  body: unknown
  accept: string
  origin: string
}

export function failure(status: number, message: string, docs = DOCS): Reply {
  return { status, body: { message, documentation_url: docs, status: String(status) } }
}

export function notFound(docs = DOCS): Reply {
  return failure(404, 'Not Found', docs)
}

/** What a GitHub App installation token (GITHUB_TOKEN) gets without the permission the route needs. */
export function notAccessible(docs = DOCS): Reply {
  return failure(403, 'Resource not accessible by integration', docs)
}

export interface FieldError {
  resource: string
  code: string
  field?: string
  message?: string
}

/** 422 "Validation Failed" with the field errors GitHub lists. */
export function validationFailed(errors: FieldError[], docs = DOCS): Reply {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors, documentation_url: docs, status: '422' }
  }
}

/**
 * 422 from GitHub's request schema check, worded as it words them:
 * `Invalid request.\n\n"ref" wasn't supplied.` or
 * `Invalid request.\n\nFor 'properties/state', "done" is not one of ["error", …].`
 */
export function invalidRequest(detail: string, docs = DOCS): Reply {
  return failure(422, `Invalid request.\n\n${detail}`, docs)
}

export function missingField(field: string, docs = DOCS): Reply {
  return invalidRequest(`"${field}" wasn't supplied.`, docs)
}

export function notOneOf(field: string, value: unknown, allowed: readonly string[], docs = DOCS) {
  const list = allowed.map((v) => JSON.stringify(v)).join(', ')
  return invalidRequest(
    `For 'properties/${field}', ${JSON.stringify(value)} is not one of [${list}].`,
    docs
  )
}

/** `per_page` (default 30, at most 100) and `page` over `items`, with GitHub's Link header. */
export function paginate<T>(req: Request, items: T[], cap = Infinity): Reply {
  const { page, perPage, link } = pageOf(req, items.length)
  return {
    status: 200,
    body: items.slice(0, cap).slice((page - 1) * perPage, page * perPage),
    headers: link
  }
}

/** Pagination for list endpoints that wrap their array, e.g. `{total_count, environments}`. */
export function pageOf(
  req: Request,
  total: number
): { page: number; perPage: number; link: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(req.query.per_page) || 30, 1), 100)
  const page = Math.max(Number(req.query.page) || 1, 1)
  const last = Math.max(1, Math.ceil(total / perPage))
  const link = (n: number, rel: string) => {
    const url = new URL(req.path, req.origin)
    for (const [key, value] of Object.entries(req.query)) url.searchParams.set(key, value)
    url.searchParams.set('per_page', String(perPage))
    url.searchParams.set('page', String(n))
    return `<${url.href}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
  return { page, perPage, link: links.length > 0 ? { link: links.join(', ') } : {} }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The JSON object a write sent, or an empty one. */
export function fields(req: Request): Record<string, unknown> {
  return isRecord(req.body) ? req.body : {}
}
