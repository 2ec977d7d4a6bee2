/**
 * Kestra 1.x `filters[<field>][<OP>]=value` query parameters (`QueryFilter`, bound by
 * `QueryFilterFormatBinder`: `IN`/`NOT_IN` values are comma-separated) and the text operators they use.
 */
import { ApiError } from '../errors.js'

export interface QueryFilter {
  /** The parameter as sent, e.g. `filters[namespace][IN]`. */
  key: string
  field: string
  op: string
  values: string[]
}

/** `QueryFilter.Op` on text columns; `PREFIX` is `ns` itself or `ns.…`. */
export const TEXT_OPERATORS: Record<string, (actual: string, expected: string[]) => boolean> = {
  EQUALS: (a, [e]) => a === e,
  NOT_EQUALS: (a, [e]) => a !== e,
  IN: (a, e) => e.includes(a),
  NOT_IN: (a, e) => !e.includes(a),
  STARTS_WITH: (a, [e]) => a.startsWith(e),
  ENDS_WITH: (a, [e]) => a.endsWith(e),
  CONTAINS: (a, [e]) => a.includes(e),
  REGEX: (a, [e]) => new RegExp(e).test(a),
  PREFIX: (a, [e]) => a === e || a.startsWith(`${e}.`)
}

/** Every `filters[…][…]` parameter of the query, in order. */
export function queryFilters(query: URLSearchParams): QueryFilter[] {
  const found: QueryFilter[] = []
  for (const key of new Set(query.keys())) {
    const match = /^filters\[(\w+)\]\[(\w+)\](?:\[\w*\])?$/.exec(key)
    if (!match) continue
    const [, field, op] = match
    const values = query
      .getAll(key)
      .flatMap((v) => (op === 'IN' || op === 'NOT_IN' ? v.split(',') : [v]))
    found.push({ key, field, op, values })
  }
  return found
}

/** The 400 a repository answers for a filter its resource does not declare (`QueryFilter.validate…`). */
export function invalidQueryFilter(filter: QueryFilter): ApiError {
  return new ApiError(
    400,
    'Invalid query filters',
    `Unsupported filter ${filter.key}`,
    'invalid-query-filters'
  )
}
