/**
 * How Kestra's search and listing routes read their query (docs/kestra.md#paged-searches), for every
 * search the emulator serves (flows, executions, dashboards, secrets, KV): the `filters[…]` parameters as
 * `QueryFilterFormatBinder` binds them [W/converters/QueryFilterFormatBinder.java], the text operations its
 * repositories apply [J/repository/AbstractJdbcRepository.java; C/models/QueryFilter.java `PREFIX`], and
 * `page`, `size` and `sort` [W/utils/PageableUtils.java]. Which fields a route accepts is the route's.
 */
import { ApiError, badRequest, illegalArgument, invalidEntity } from './errors.js'

/** One `filters[<field>][<op>]` parameter, or `filters[<field>][<op>][<nested>]`, as sent. */
export interface QueryFilter {
  /** The parameter's name, e.g. `filters[namespace][IN]`. */
  key: string
  field: string
  op: string
  /** The third bracket's key (labels: the label key). */
  nested?: string
  /** Every value sent under that name, as sent. */
  values: string[]
}

/** `QueryFilter.Op`. */
export const OPERATIONS = [
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

/** The operations on a text column; `PREFIX` is the value itself or what continues it after a dot. */
export const TEXT_OPERATORS: Record<string, (actual: string, expected: string[]) => boolean> = {
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

/** The binder's `FILTER_PATTERN`. */
const FILTER = /^filters\[(.*?)\]\[(.*?)\](?:\[(.+)\])?$/

/** Whether the request carries any `filters[…]` parameter (then a route's legacy parameters are ignored). */
export function hasQueryFilters(query: URLSearchParams): boolean {
  return [...query.keys()].some((key) => key.startsWith('filters['))
}

/** Every `filters[…]` parameter of the query, in order, once per name. */
export function queryFilters(query: URLSearchParams): QueryFilter[] {
  const found: QueryFilter[] = []
  for (const key of new Set(query.keys())) {
    const match = FILTER.exec(key)
    if (!match) continue
    const [, field, op, nested] = match as unknown as [string, string, string, string | undefined]
    found.push({
      key,
      field,
      op,
      ...(nested !== undefined && { nested }),
      values: query.getAll(key)
    })
  }
  return found
}

/** An `IN`/`NOT_IN` value: comma-separated, brackets dropped (`[a,b]` is `a,b`). */
export function listOf(value: string): string[] {
  return value.replace(/[[\]]/g, '').split(',')
}

/** The filter's values, each `IN`/`NOT_IN` value split into its items. */
export function valuesOf({ op, values }: QueryFilter): string[] {
  return op === 'IN' || op === 'NOT_IN' ? values.flatMap(listOf) : values
}

/** A filter as the binder types it: a text, a list (`IN`, `NOT_IN`, `scope`), or `{key: value}` (nested keys). */
export interface BoundFilter {
  field: string
  op: string
  value: string | string[] | Record<string, string>
}

/**
 * The filters as the binder builds them: each field a `QueryFilter.Field` name in `known` and each
 * operation an `Op` (else a 400), the label filters of one operation grouped into one `{key: value}`.
 */
export function boundFilters(query: URLSearchParams, known: readonly string[]): BoundFilter[] {
  const filters: BoundFilter[] = []
  const labels = new Map<string, Record<string, string>>()
  for (const { field, op, nested, values } of queryFilters(query)) {
    if (!known.includes(field)) {
      throw invalidQueryFilters(
        `Unsupported field '${field}'. Expected one of: [${known.join(', ')}]`
      )
    }
    if (!OPERATIONS.includes(op)) {
      throw invalidQueryFilters(
        `Unsupported operation '${op}'. Expected one of: [${OPERATIONS.join(', ')}]`
      )
    }
    if (field === 'labels' && nested !== undefined) {
      labels.set(op, { ...labels.get(op), [nested]: values[0]! })
    } else if (nested !== undefined) {
      filters.push({ field, op, value: { [nested]: values[0]! } })
    } else {
      filters.push({ field, op, value: boundValue(values, field, op) })
    }
  }
  for (const [op, value] of labels) filters.push({ field: 'labels', op, value })
  return filters
}

function boundValue(values: string[], field: string, op: string): BoundFilter['value'] {
  if (field === 'scope') return values[0]!.split(',')
  if (op === 'IN' || op === 'NOT_IN') return listOf(values[0]!)
  return values.length === 1 ? values[0]! : values
}

/** Kestra's `InvalidQueryFiltersException`, a 400 [W/controllers/ErrorController.java:166-169]. */
export function invalidQueryFilters(detail: string): ApiError {
  return new ApiError(400, 'Invalid query filters', detail, 'invalid-query-filters')
}

/** The 400 for a filter the route's resource does not declare. */
export function unsupportedFilter(filter: QueryFilter): ApiError {
  return invalidQueryFilters(`Unsupported filter ${filter.key}`)
}

export interface Page {
  page: number
  size: number
}

/**
 * `@QueryValue @Min(1) int page, size` (defaults 1 and `defaultSize`): a value that is not a whole number
 * fails to bind (400); below 1 is the constraint violation naming the controller method's parameter,
 * e.g. `searchFlows.page` (422).
 */
export function pageParams(query: URLSearchParams, method: string, defaultSize: number): Page {
  return {
    page: positive(query, method, 'page', 1),
    size: positive(query, method, 'size', defaultSize)
  }
}

export function slice<T>(items: T[], { page, size }: Page): T[] {
  return items.slice((page - 1) * size, page * size)
}

export interface SortKey {
  field: string
  sign: 1 | -1
}

/**
 * `sort=field:asc|desc` (comma-separated or repeated): anything else is `Invalid sort parameter`, and so
 * is a field outside `fields` when given, unless the route words that refusal itself (`unknownField`).
 */
export function sortKeys(
  query: URLSearchParams,
  fields?: readonly string[],
  unknownField: (field: string) => ApiError = () => illegalArgument('Invalid sort parameter')
): SortKey[] {
  return query
    .getAll('sort')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '')
    .map((item) => {
      const match = /^([\w.]+):(asc|desc)$/.exec(item)
      if (!match) throw illegalArgument('Invalid sort parameter')
      if (fields && !fields.includes(match[1]!)) throw unknownField(match[1]!)
      return { field: match[1]!, sign: match[2] === 'asc' ? 1 : -1 }
    })
}

/** Orders by each key in turn (numbers as numbers, text in code-unit order). */
export function byKeys<T>(
  keys: SortKey[],
  value: (item: T, field: string) => string | number
): (a: T, b: T) => number {
  return (a, b) => {
    for (const { field, sign } of keys) {
      const [x, y] = [value(a, field), value(b, field)]
      const order = x < y ? -1 : x > y ? 1 : 0
      if (order !== 0) return order * sign
    }
    return 0
  }
}

function positive(query: URLSearchParams, method: string, name: string, fallback: number): number {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value)) {
    throw badRequest(`Failed to convert argument [${name}] for value [${raw}]`)
  }
  if (value < 1) {
    const path = `${method}.${name}`
    throw invalidEntity(`${path}: must be greater than or equal to 1`, [
      { message: 'must be greater than or equal to 1', path }
    ])
  }
  return value
}
