import type { UnfinishedExecution } from '../plan/types.js'

/** `2 executions not finished (PAUSED, RUNNING)`, for the log. */
export function byStateNames(executions: readonly UnfinishedExecution[]): string {
  const n = executions.length
  const states = [...new Set(executions.map((e) => e.state))].sort()
  return `${n} execution${n === 1 ? '' : 's'} not finished (${states.join(', ')})`
}
