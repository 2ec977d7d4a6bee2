/**
 * `GET P/executions/search` (docs/kestra.md#search-executions): Kestra 1.3.25's
 * `ExecutionController.searchExecutions` [W/controllers/api/ExecutionController.java:233-289] over
 * `AbstractJdbcExecutionRepository.find`.
 */
import { badRequest, illegalArgument } from './errors.js'
import { EXECUTION_FIELDS, FIELDS, SORT_FIELDS } from './execution-fields.js'
import { parseLabelParams } from './execution-labels.js'
import { currentState, dateColumn, predicateOf } from './execution-match.js'
import { historyOf, type StoredExecution } from './executions.js'
import { durationSeconds } from './java-duration.js'
import {
  boundFilters,
  byKeys,
  hasQueryFilters,
  invalidQueryFilters,
  pageParams,
  slice,
  sortKeys,
  type BoundFilter
} from './paged-search.js'
import type { Features } from './version.js'

/** "To avoid flooding the database" [W/utils/TimeLineSearch.java:44-47]. */
const DEFAULT_WINDOW_MS = 8 * 24 * 3600 * 1000

export interface SearchPage {
  results: StoredExecution[]
  total: number
}

/**
 * One page of the tenant's recorded executions that match. From 1.1 (the first release whose API lists
 * `filters`): `filters[…]`, or the legacy flat parameters only when no `filters[…]` is sent; only NORMAL
 * executions unless a `kind` filter is sent. Before: the legacy parameters alone, no kind. From about 0.22
 * (`features.executionWindow`) either gets a start-date lower bound of now − 8 days when no
 * `startDate`/`timeRange` is given; 0.20.7 has no window.
 */
export function searchExecutions(
  executions: StoredExecution[],
  query: URLSearchParams,
  features: Features,
  systemNamespace: string,
  now = Date.now()
): SearchPage {
  const page = pageParams(query, 'searchExecutions', 10)
  // An unknown field is the repository's refusal
  // [J/repository/AbstractJdbcExecutionRepository.java:944-956].
  const sorts = sortKeys(query, SORT_FIELDS, (field) =>
    illegalArgument(`Invalid sort field: ${field}`)
  )
  let filters =
    features.executionFilters && hasQueryFilters(query)
      ? boundFilters(query, FIELDS)
      : legacyFilters(query, features)
  if (features.executionWindow) filters = withStartWindow(filters, now)
  if (features.executionFilters) validate(filters)
  const column = dateColumn(query.get('dateFilter'))
  const context = { systemNamespace, states: features.executionStates }
  const conditions = filters.map((f) => predicateOf(f, column, context, now))
  // Without a kind filter only NORMAL (or kind-less) executions [AbstractJdbcExecutionRepository.java:248-253].
  const kinds = features.executionFilters && !filters.some((f) => f.field === 'kind')
  const matching = executions.filter(
    (e) =>
      (!kinds || e.kind === undefined || e.kind === 'NORMAL') &&
      conditions.every((condition) => condition(e))
  )
  if (sorts.length > 0) matching.sort(byKeys(sorts, (e, field) => sortKey(e, field, now)))
  return { results: slice(matching, page), total: matching.length }
}

/** The deprecated flat parameters, mapped as `RequestUtils.mapLegacyParamsToFilters` does. */
function legacyFilters(query: URLSearchParams, features: Features): BoundFilter[] {
  const filters: BoundFilter[] = []
  const one = (name: string) => query.get(name) ?? undefined
  const add = (field: string, op: string, value: BoundFilter['value'] | undefined) =>
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
  // Bound as `List<State.Type>`: a name the enum lacks fails the binding, a 400.
  const unknown = states.find((state) => !features.executionStates.includes(state))
  if (unknown !== undefined) {
    throw badRequest(
      `Failed to convert argument [state] for value [${unknown}] due to: No enum constant io.kestra.core.models.flows.State.Type.${unknown}`
    )
  }
  if (states.length > 0) add('state', 'IN', states)
  add('triggerExecutionId', 'EQUALS', one('triggerExecutionId'))
  return filters
}

/**
 * `QueryFilterUtils.replaceTimeRangeWithComputedStartDateFilter` [W/utils/QueryFilterUtils.java:62-80,117-132]:
 * a `timeRange` becomes a start date (≤ for a negated one), and without either a start-date lower bound of
 * now − 8 days is added.
 */
function withStartWindow(filters: BoundFilter[], now: number): BoundFilter[] {
  const dated = filters.some((f) => f.field === 'startDate' || f.field === 'timeRange')
  const mapped = filters.map((f): BoundFilter => {
    if (f.field !== 'timeRange') return f
    const op =
      f.op === 'NOT_EQUALS' || f.op === 'NOT_IN'
        ? 'LESS_THAN_OR_EQUAL_TO'
        : 'GREATER_THAN_OR_EQUAL_TO'
    return {
      field: 'startDate',
      op,
      value: new Date(now - timeRangeMs(String(f.value))).toISOString()
    }
  })
  if (dated) return mapped
  const since = new Date(now - DEFAULT_WINDOW_MS).toISOString()
  return [...mapped, { field: 'startDate', op: 'GREATER_THAN_OR_EQUAL_TO', value: since }]
}

/** `QueryFilter.validateQueryFilters(filters, EXECUTION)`: every error at once, a 400. */
function validate(filters: BoundFilter[]): void {
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

/** A `timeRange` is a `java.time.Duration`; one that `Duration.parse` refuses is a 422. */
function timeRangeMs(text: string): number {
  const seconds = durationSeconds(text)
  if (seconds === undefined) throw illegalArgument(`Invalid duration: ${text}`)
  return seconds * 1000
}
