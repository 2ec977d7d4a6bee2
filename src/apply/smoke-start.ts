import type { ExecutionsApi } from '../kestra/api.js'
import type { Execution, Label } from '../model/kestra.js'
import { ApiError } from '../kestra/errors.js'
import { isRetryableStatus } from '../kestra/retry.js'
import { errorMessage } from '../model/errors.js'
import type { SmokeFlow } from '../model/inputs/smoke-flows.js'

/**
 * Label keys of a smoke execution (Kestra's label key pattern, never `system.`:
 * docs/kestra.md#execution-labels).
 */
const RUN_LABEL = 'kestra-gitops.run'
const LINE_LABEL = 'kestra-gitops.smoke'
const ATTEMPT_LABEL = 'kestra-gitops.attempt'

/**
 * Kestra records a new execution asynchronously: a 404 this soon after the start means "not yet"
 * (docs/kestra.md#read-an-execution).
 */
export const NOT_RECORDED_GRACE_MS = 15_000
/**
 * A start is sent at most this often (a request's attempts,
 * docs/guarantees.md#retries-and-deadlines), each after a lookup found nothing.
 */
const MAX_STARTS = 4
export const FIRST_POLL_MS = 250
export const MAX_POLL_MS = 5_000

export interface StartDeps {
  api: ExecutionsApi
  /** Names this run of the action in every execution it starts. */
  runId: string
  now(): number
  sleep(ms: number): Promise<void>
  log(message: string): void
}

type Started =
  | { execution: Execution; at: number }
  /** Not started, or not known to be: why, and whether the deadline is what stopped it. */
  | { failed: string; timedOut: boolean }

/**
 * Starts the execution of one smoke line, once (docs/smoke-and-rollback.md#starting-once). A start
 * is never repeated blindly: when its answer is lost (no answer, a timeout, a 5xx or 429), the
 * executions carrying this run's and line's labels are looked up until Kestra has had time to
 * record one; only when none appears is another start sent, with the next attempt's label. Nothing
 * waits past `deadline`.
 */
export async function startOnce(
  flow: SmokeFlow,
  line: number,
  deadline: number,
  deps: StartDeps
): Promise<Started> {
  const name = `${flow.namespace}.${flow.id}`
  const ours: Label[] = [
    [RUN_LABEL, deps.runId],
    [LINE_LABEL, String(line)]
  ]
  let lost = ''
  for (let attempt = 1; attempt <= MAX_STARTS; attempt++) {
    if (deps.now() >= deadline) return { failed: timedOut(lost, ours), timedOut: true }
    try {
      const labels: Label[] = [...ours, [ATTEMPT_LABEL, String(attempt)]]
      const execution = await deps.api.startExecution(flow.namespace, flow.id, flow.inputs, {
        labels,
        deadline
      })
      return { execution, at: deps.now() }
    } catch (error) {
      if (!answerLost(error)) return { failed: errorMessage(error), timedOut: false }
      lost = errorMessage(error)
      deps.log(
        `Smoke run of ${name}: the start's answer was lost (${lost}); looking it up by label`
      )
    }
    const found = await lookUp(flow, ours, deadline, deps)
    if ('failed' in found) return found
    if (found.execution) return { execution: found.execution, at: deps.now() }
    deps.log(
      `Smoke run of ${name}: no execution of attempt ${attempt} was recorded; starting again`
    )
  }
  return { failed: `no start was recorded after ${MAX_STARTS} attempts: ${lost}`, timedOut: false }
}

/** An execution carrying these labels once Kestra had time to record it, or undefined when none came. */
async function lookUp(
  flow: SmokeFlow,
  labels: Label[],
  deadline: number,
  deps: StartDeps
): Promise<{ execution?: Execution } | { failed: string; timedOut: boolean }> {
  const until = Math.min(deadline, deps.now() + NOT_RECORDED_GRACE_MS)
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
    let found: Execution[]
    try {
      found = await deps.api.findExecutions(
        { namespace: flow.namespace, flowId: flow.id, labels },
        { deadline }
      )
    } catch (error) {
      if (deps.now() >= deadline)
        return { failed: timedOut(errorMessage(error), labels), timedOut: true }
      return {
        failed: `the start's answer was lost and the execution could not be looked up (${errorMessage(error)}); not started again, so that the flow does not run twice`,
        timedOut: false
      }
    }
    if (found.length > 1) {
      deps.log(
        `Smoke run of ${flow.namespace}.${flow.id}: ${found.length} executions carry this run's labels: ${found.map((e) => e.id).join(', ')}`
      )
    }
    if (found.length > 0) return { execution: found[0] }
    if (deps.now() >= until) {
      return deps.now() >= deadline ? { failed: timedOut('', labels), timedOut: true } : {}
    }
    await deps.sleep(Math.min(wait, until - deps.now()))
  }
}

/** No usable answer came: the start may or may not have reached Kestra. */
function answerLost(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.status === undefined || isRetryableStatus(error.status))
  )
}

function timedOut(lost: string, labels: Label[]): string {
  const label = labels.map(([key, value]) => `${key}:${value}`).join(' ')
  return `whether it started is unknown at the smoke timeout${lost ? ` (${lost})` : ''}: look for an execution labelled ${label}`
}
