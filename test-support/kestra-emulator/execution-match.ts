/**
 * The condition a search filter puts on stored executions, as Kestra's JDBC repositories build it
 * (docs/kestra.md#search-executions).
 */
import { illegalArgument, internalError } from './errors.js'
import { historyOf, type StoredExecution } from './executions.js'
import { TEXT_OPERATORS, type BoundFilter } from './paged-search.js'

type Column = (e: StoredExecution, now: number) => number[]
type Predicate = (e: StoredExecution) => boolean

/**
 * The condition one filter puts on executions. Built before any row is read, as Kestra builds its SQL
 * condition: a bad value (an unknown state, a date that does not parse) fails even when nothing would match.
 */
export function predicateOf(
  { field, op, value }: BoundFilter,
  column: Column,
  context: { systemNamespace: string; states: readonly string[] },
  now: number
): Predicate {
  const { systemNamespace, states } = context
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
  const negated = op === 'NOT_EQUALS' || op === 'NOT_IN'
  switch (field) {
    case 'namespace':
      return (e) => TEXT_OPERATORS[op]!(e.namespace, list)
    case 'flowId':
      return (e) => TEXT_OPERATORS[op]!(e.flowId, list)
    case 'q': {
      // Full text over namespace, flow id and id [J/mysql `fullTextCondition(namespace, flow_id, id)`].
      const needle = list[0]!.toLowerCase()
      return (e) =>
        [e.id, e.namespace, e.flowId].some((t) => t.toLowerCase().includes(needle)) !== negated
    }
    case 'scope': {
      const system = list.some((s) => s.toUpperCase() === 'SYSTEM')
      const user = list.some((s) => s.toUpperCase() === 'USER')
      return (e) => (e.namespace === systemNamespace ? system : user) !== negated
    }
    case 'state': {
      const wanted = list.flatMap((s) => s.split(','))
      const unknown = wanted.find((s) => !states.includes(s))
      if (unknown) {
        throw illegalArgument(`No enum constant io.kestra.core.models.flows.State.Type.${unknown}`)
      }
      return (e) => wanted.includes(currentState(e, now)) !== negated
    }
    case 'labels':
      return labelsPredicate(op, value)
    case 'startDate':
    case 'endDate': {
      const at = Date.parse(list[0] ?? '')
      if (Number.isNaN(at)) throw illegalArgument(`Invalid date: ${list[0]}`)
      return (e) => column(e, now).some((date) => compareDate(date, op, at))
    }
    case 'kind':
      return (e) => list.includes(e.kind ?? 'NORMAL') !== negated
    case 'childFilter': {
      const kind = list[0]!.toUpperCase()
      if (kind !== 'CHILD' && kind !== 'MAIN') throw illegalArgument(`No enum constant ${kind}`)
      return () => (kind === 'MAIN') !== negated // the emulator's executions have no parent
    }
    default:
      // triggerExecutionId: a SQL comparison with the null column of an execution without a trigger.
      return () => false
  }
}

/**
 * [J/postgres/PostgresExecutionRepository.java `findLabelCondition`]: nested keys → EQUALS all, IN any,
 * NOT_EQUALS/NOT_IN none; a flat value only with CONTAINS (any label value contains it, case-insensitive).
 */
function labelsPredicate(op: string, value: BoundFilter['value']): Predicate {
  if (typeof value === 'string' || Array.isArray(value)) {
    if (op !== 'CONTAINS') throw internalError(`Unsupported operation for query: ${op}`)
    const needle = [value].flat()[0]!.toLowerCase()
    return (e) => e.labels.some((l) => l.value.toLowerCase().includes(needle))
  }
  const pairs = Object.entries(value)
  const has = (e: StoredExecution) => (pair: [string, string]) =>
    e.labels.some((l) => l.key === pair[0] && l.value === pair[1])
  if (op === 'EQUALS') return (e) => pairs.every(has(e))
  if (op === 'IN') return (e) => pairs.some(has(e))
  if (op === 'NOT_EQUALS' || op === 'NOT_IN') return (e) => !pairs.some(has(e))
  throw internalError(`Unsupported operation: ${op}`)
}

/** `dateFilter` picks the column both date filters compare (1.3.25; default START_DATE). */
export function dateColumn(name: string | null): Column {
  const end = (e: StoredExecution, now: number) => {
    const history = historyOf(e, now)
    const last = history[history.length - 1]!
    return ['CREATED', 'RUNNING', 'KILLING'].includes(last.state) ? [] : [last.at]
  }
  if (name === 'END_DATE') return end
  if (name === 'START_OR_END_DATE') return (e, now) => [e.createdAt, ...end(e, now)]
  return (e) => [e.createdAt]
}

function compareDate(date: number, op: string, at: number): boolean {
  if (op === 'GREATER_THAN') return date > at
  if (op === 'GREATER_THAN_OR_EQUAL_TO') return date >= at
  if (op === 'LESS_THAN') return date < at
  if (op === 'LESS_THAN_OR_EQUAL_TO') return date <= at
  return op === 'EQUALS' ? date === at : date !== at
}

export function currentState(e: StoredExecution, now: number): string {
  const history = historyOf(e, now)
  return history[history.length - 1]!.state
}
