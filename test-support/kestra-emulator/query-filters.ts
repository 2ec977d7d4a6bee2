/**
 * Kestra's `filters[<field>][<OP>](\[<key>])?=value` query parameters as its `QueryFilterFormatBinder` reads
 * them [W/converters/QueryFilterFormatBinder.java], and the string operations its repositories apply
 * [J/repository/AbstractJdbcRepository.java `defaultHandlers`; C/models/QueryFilter.java `PREFIX`].
 */
import { ApiError } from './errors.js'

export interface QueryFilter {
  field: string
  op: string
  /** A text, a list (IN/NOT_IN, comma-separated; several values), or `{key: value}` (nested keys). */
  value: string | string[] | Record<string, string>
}

export const STRING_OPERATORS: Record<string, (actual: string, expected: string[]) => boolean> = {
  EQUALS: (a, [e]) => a === e,
  NOT_EQUALS: (a, [e]) => a !== e,
  IN: (a, e) => e.includes(a),
  NOT_IN: (a, e) => !e.includes(a),
  STARTS_WITH: (a, [e]) => a.startsWith(e!),
  ENDS_WITH: (a, [e]) => a.endsWith(e!),
  CONTAINS: (a, [e]) => a.includes(e!),
  REGEX: (a, [e]) => new RegExp(e!).test(a),
  PREFIX: (a, [e]) => a === e || a.startsWith(`${e}.`)
}

const OPS = [
  'EQUALS',
  'NOT_EQUALS',
  'GREATER_THAN',
  'LESS_THAN',
  'GREATER_THAN_OR_EQUAL_TO',
  'LESS_THAN_OR_EQUAL_TO',
  'IN',
  'NOT_IN',
  'STARTS_WITH',
  'ENDS_WITH',
  'CONTAINS',
  'REGEX',
  'PREFIX'
]

const FILTER = /^filters\[(.*?)\]\[(.*?)\](?:\[(.+)\])?$/

/** Whether the request carries any `filters[…]` parameter (then legacy flat parameters are ignored). */
export function hasQueryFilters(query: URLSearchParams): boolean {
  return [...query.keys()].some((key) => key.startsWith('filters['))
}

/**
 * The filters of the query; labels with a nested key are grouped per operation into one `{key: value}`
 * filter. `known` lists the field names Kestra's `QueryFilter.Field` has: another name is refused (400).
 */
export function parseQueryFilters(query: URLSearchParams, known: readonly string[]): QueryFilter[] {
  const filters: QueryFilter[] = []
  const labels = new Map<string, Record<string, string>>()
  for (const key of new Set(query.keys())) {
    const match = FILTER.exec(key)
    if (!match) continue
    const [, field, op, nested] = match as unknown as [string, string, string, string | undefined]
    if (!known.includes(field)) {
      throw invalidQueryFilters(
        `Unsupported field '${field}'. Expected one of: [${known.join(', ')}]`
      )
    }
    if (!OPS.includes(op)) {
      throw invalidQueryFilters(
        `Unsupported operation '${op}'. Expected one of: [${OPS.join(', ')}]`
      )
    }
    const values = query.getAll(key)
    if (field === 'labels' && nested !== undefined) {
      labels.set(op, { ...labels.get(op), [nested]: values[0]! })
    } else if (nested !== undefined) {
      filters.push({ field, op, value: { [nested]: values[0]! } })
    } else {
      filters.push({ field, op, value: flatValue(values, field, op) })
    }
  }
  for (const [op, value] of labels) filters.push({ field: 'labels', op, value })
  return filters
}

/** Kestra's `InvalidQueryFiltersException`, a 400 [W/controllers/ErrorController.java:166-169]. */
export function invalidQueryFilters(detail: string): ApiError {
  return new ApiError(400, 'Invalid query filters', detail, 'invalid-query-filters')
}

function flatValue(values: string[], field: string, op: string): QueryFilter['value'] {
  if (field === 'scope') return values[0]!.split(',')
  if (op === 'IN' || op === 'NOT_IN') return values[0]!.replace(/[[\]]/g, '').split(',')
  return values.length === 1 ? values[0]! : values
}
