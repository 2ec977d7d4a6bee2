/** What Kestra 1.3.25 accepts in an executions search: filter fields and operations, states, sort fields. */

/** Every `QueryFilter.Field` name [C/models/QueryFilter.java]: another one fails in the binder. */
export const FIELDS = [
  'q',
  'scope',
  'namespace',
  'kind',
  'labels',
  'flowId',
  'updated',
  'startDate',
  'endDate',
  'state',
  'timeRange',
  'triggerExecutionId',
  'triggerId',
  'triggerState',
  'executionId',
  'childFilter',
  'workerId',
  'existingOnly',
  'level',
  'path',
  'parentPath',
  'version'
]
const TEXT_OPS = [
  'EQUALS',
  'NOT_EQUALS',
  'CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
  'REGEX',
  'IN',
  'NOT_IN',
  'PREFIX'
]
const DATE_OPS = [
  'GREATER_THAN_OR_EQUAL_TO',
  'GREATER_THAN',
  'LESS_THAN_OR_EQUAL_TO',
  'LESS_THAN',
  'EQUALS',
  'NOT_EQUALS'
]

/** `Resource.EXECUTION.supportedField()` with each field's `supportedOp()` [C/models/QueryFilter.java:304-313]. */
export const EXECUTION_FIELDS: Record<string, string[]> = {
  q: ['EQUALS', 'NOT_EQUALS'],
  scope: ['EQUALS', 'NOT_EQUALS'],
  namespace: TEXT_OPS,
  flowId: TEXT_OPS,
  startDate: DATE_OPS,
  endDate: DATE_OPS,
  state: ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN'],
  labels: ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN', 'CONTAINS'],
  triggerExecutionId: [
    'EQUALS',
    'NOT_EQUALS',
    'CONTAINS',
    'STARTS_WITH',
    'ENDS_WITH',
    'IN',
    'NOT_IN'
  ],
  childFilter: ['EQUALS', 'NOT_EQUALS'],
  kind: ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN']
}
/** `State.Type` of 1.3.25 [C/models/flows/State.java:249-266]. */
export const STATES = [
  'CREATED',
  'SUBMITTED',
  'RUNNING',
  'PAUSED',
  'RESTARTED',
  'KILLING',
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
  'QUEUED',
  'RETRYING',
  'RETRIED',
  'SKIPPED',
  'BREAKPOINT',
  'RESUBMITTED'
]
/** Sort fields and the columns they map to [J/repository/AbstractJdbcExecutionRepository.java:944-956]. */
export const SORT_FIELDS = [
  'id',
  'state.startDate',
  'state.endDate',
  'state.duration',
  'namespace',
  'flowId',
  'state.current'
]
