import type { UnfinishedExecution } from '../model/plan.js'
import { unfinishedText } from '../decide/render/review.js'

/** `2 executions not finished (PAUSED, RUNNING)`, for the log. */
export function byStateNames(executions: readonly UnfinishedExecution[]): string {
  const states = [...new Set(executions.map((e) => e.state))].sort()
  return `${unfinishedText(executions)} (${states.join(', ')})`
}
