/**
 * `GET P/executions/search` (reference §12.1): Kestra 1.3.25's `ExecutionController.searchExecutions`
 * [W/controllers/api/ExecutionController.java:233-289] over `AbstractJdbcExecutionRepository.find`.
 */
import { badRequest, illegalArgument, invalidEntity } from './errors.js'
import { EXECUTION_FIELDS, FIELDS, SORT_FIELDS } from './execution-fields.js'
import { parseLabelParams } from './execution-labels.js'
import { currentState, dateColumn, predicateOf } from './execution-match.js'
import { historyOf, type StoredExecution } from './executions.js'
import {
  hasQueryFilters,
  invalidQueryFilters,
  parseQueryFilters,
  type QueryFilter
} from './query-filters.js'
import type { Features } from './version.js'

/** "To avoid flooding the database" [W/utils/TimeLineSearch.java:44-47]. */
const DEFAULT_WINDOW_MS = 8 * 24 * 3600 * 1000

export interface SearchPage {
  results: StoredExecution[]
  total: number
}

/**
 * One page of the tenant's recorded executions that match. From 1.1 (the first release whose API lists
 * `filters`; reference §12.1): `filters[…]`, or the legacy flat parameters only when no `filters[…]` is sent;
 * a start-date lower bound of now − 8 days when no `startDate`/`timeRange` filter is given; only NORMAL
 * executions unless a `kind` filter is sent. Before: the legacy parameters alone, no window, no kind.
 */
export function searchExecutions(
  executions: StoredExecution[],
  query: URLSearchParams,
  features: Features,
  systemNamespace: string,
  now = Date.now()
): SearchPage {
  const page = positive(query, 'page', 1)
  const size = positive(query, 'size', 10)
  const sorts = query.getAll('sort').map(sortOf)
  let filters =
    features.executionFilters && hasQueryFilters(query)
      ? parseQueryFilters(query, FIELDS)
      : legacyFilters(query, features)
  if (features.executionFilters) {
    filters = withStartWindow(filters, now)
    validate(filters)
  }
  const column = dateColumn(query.get('dateFilter'))
  const conditions = filters.map((f) => predicateOf(f, column, systemNamespace, now))
  // Without a kind filter only NORMAL (or kind-less) executions [AbstractJdbcExecutionRepository.java:248-253].
  const kinds = features.executionFilters && !filters.some((f) => f.field === 'kind')
  const matching = executions.filter(
    (e) =>
      (!kinds || e.kind === undefined || e.kind === 'NORMAL') &&
      conditions.every((condition) => condition(e))
  )
  for (const { field, descending } of [...sorts].reverse()) {
    matching.sort(
      (a, b) => (descending ? -1 : 1) * compare(sortKey(a, field, now), sortKey(b, field, now))
    )
  }
  return { results: matching.slice((page - 1) * size, page * size), total: matching.length }
}

/** The deprecated flat parameters, mapped as `RequestUtils.mapLegacyParamsToFilters` does. */
function legacyFilters(query: URLSearchParams, features: Features): QueryFilter[] {
  const filters: QueryFilter[] = []
  const one = (name: string) => query.get(name) ?? undefined
  const add = (field: string, op: string, value: QueryFilter['value'] | undefined) =>
    value !== undefined && filters.push({ field, op, value })
  add('q', 'EQUALS', one('q'))
  add('namespace', 'PREFIX', one('namespace'))
  add('flowId', 'EQUALS', one('flowId'))
  add('startDate', 'GREATER_THAN', one('startDate'))
  add('endDate', 'LESS_THAN', one('endDate'))
  const scope = query.getAll('scope').flatMap((s) => s.split(','))
  if (scope.length > 0) add('scope', 'EQUALS', scope)
  const labels = query.getAll('labels')
  if (labels.length > 0) {
    const map = Object.fromEntries(parseLabelParams(labels, features).map((l) => [l.key, l.value]))
    add('labels', 'EQUALS', map)
  }
  add('timeRange', 'EQUALS', one('timeRange'))
  add('childFilter', 'EQUALS', one('childFilter'))
  const states = query.getAll('state')
  if (states.length > 0) add('state', 'IN', states)
  add('triggerExecutionId', 'EQUALS', one('triggerExecutionId'))
  return filters
}

/**
 * `QueryFilterUtils.replaceTimeRangeWithComputedStartDateFilter` [W/utils/QueryFilterUtils.java:62-80,117-132]:
 * a `timeRange` becomes a start date (≤ for a negated one), and without either a start-date lower bound of
 * now − 8 days is added.
 */
function withStartWindow(filters: QueryFilter[], now: number): QueryFilter[] {
  const dated = filters.some((f) => f.field === 'startDate' || f.field === 'timeRange')
  const mapped = filters.map((f): QueryFilter => {
    if (f.field !== 'timeRange') return f
    const op =
      f.op === 'NOT_EQUALS' || f.op === 'NOT_IN'
        ? 'LESS_THAN_OR_EQUAL_TO'
        : 'GREATER_THAN_OR_EQUAL_TO'
    return {
      field: 'startDate',
      op,
      value: new Date(now - durationMs(String(f.value))).toISOString()
    }
  })
  if (dated) return mapped
  const since = new Date(now - DEFAULT_WINDOW_MS).toISOString()
  return [...mapped, { field: 'startDate', op: 'GREATER_THAN_OR_EQUAL_TO', value: since }]
}

/** `QueryFilter.validateQueryFilters(filters, EXECUTION)`: every error at once, a 400. */
function validate(filters: QueryFilter[]): void {
  const errors: string[] = []
  for (const { field, op } of filters) {
    const ops = EXECUTION_FIELDS[field]
    if (!ops) {
      errors.push(
        `Field ${field} is not supported for resource EXECUTION. Supported fields are ${Object.keys(EXECUTION_FIELDS).join(', ')}`
      )
    } else if (!ops.includes(op)) {
      errors.push(
        `Operation ${op} is not supported for field ${field}. Supported operations are ${ops.join(', ')}`
      )
    }
  }
  if (errors.length > 0)
    throw invalidQueryFilters(`Provided query filters are invalid: ${errors.join(', ')}`)
}

/** `page` and `size` are `@Min(1)`: a violation is Kestra's 422 for a `ConstraintViolationException`. */
function positive(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value)) badRequestFor(name, raw)
  if (value < 1) {
    const message = `searchExecutions.${name}: must be greater than or equal to 1`
    throw invalidEntity(message, [{ message, path: `searchExecutions.${name}` }])
  }
  return value
}

function badRequestFor(name: string, raw: string): never {
  throw badRequest(`Failed to convert argument [${name}] for value [${raw}]`)
}

/** `field:asc|desc` [W/utils/PageableUtils.java]; an unknown field is a 422. */
function sortOf(text: string): { field: string; descending: boolean } {
  const [field = '', direction = 'asc'] = text.split(':')
  if (!SORT_FIELDS.includes(field)) throw illegalArgument(`Invalid sort field: ${field}`)
  return { field, descending: direction.toLowerCase() === 'desc' }
}

function sortKey(e: StoredExecution, field: string, now: number): string | number {
  if (field === 'id') return e.id
  if (field === 'namespace') return e.namespace
  if (field === 'flowId') return e.flowId
  if (field === 'state.current') return currentState(e, now)
  const history = historyOf(e, now)
  const last = history[history.length - 1]!.at
  if (field === 'state.startDate') return e.createdAt
  if (field === 'state.endDate') return last
  return last - e.createdAt
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** ISO-8601 `PnDTnHnMnS` as `Duration.parse` reads it. */
function durationMs(text: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text)
  if (!match || text === 'P' || text.endsWith('T'))
    throw illegalArgument(`Invalid duration: ${text}`)
  const [, d, h, m, s] = match.map((v) => Number(v ?? 0))
  return (((d! * 24 + h!) * 60 + m!) * 60 + s!) * 1000
}
