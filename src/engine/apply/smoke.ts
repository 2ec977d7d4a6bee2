import type { ExecutionsApi } from '../../adapters/kestra/api.js'
import type { Execution, Label } from '../../model/kestra.js'
import { ApiError } from '../../adapters/kestra/errors.js'
import { isRetryableStatus } from '../../adapters/kestra/transport.js'
import { errorMessage } from '../../model/errors.js'
import type { SmokeFlow } from '../../model/inputs/declared.js'
import type { SmokeReport, SmokeRun } from '../../model/after-deploy.js'

/** Terminal states (docs/kestra.md#execution-states); only these two pass. */
const PASSING = new Set(['SUCCESS', 'WARNING'])
const FAILING = new Set(['FAILED', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED'])

interface SmokeDeps extends StartDeps {
  /** One deadline for the whole phase, from the first start to the last verdict. */
  timeoutMs: number
  link(execution: Execution): string
}

/**
 * Starts one execution per smoke flow, once each, and polls each until it ends or the shared deadline
 * passes (docs/smoke-and-rollback.md#smoke-runs); one still running then is named and left running.
 */
export async function runSmoke(flows: readonly SmokeFlow[], deps: SmokeDeps): Promise<SmokeReport> {
  const begun = deps.now()
  const deadline = begun + deps.timeoutMs
  const runs = await Promise.all(flows.map((flow, i) => runOne(flow, i + 1, deadline, deps)))
  return {
    runs,
    passed: runs.every((run) => run.verdict === 'passed'),
    elapsedMs: deps.now() - begun
  }
}

async function runOne(
  flow: SmokeFlow,
  line: number,
  deadline: number,
  deps: SmokeDeps
): Promise<SmokeRun> {
  const name = `${flow.namespace}.${flow.id}`
  const target = { namespace: flow.namespace, id: flow.id }
  const start = await startOnce(flow, line, deadline, deps)
  if ('failed' in start) {
    deps.log(`Smoke run of ${name} could not start: ${start.failed}`)
    return { flow: target, verdict: start.timedOut ? 'timed-out' : 'failed', message: start.failed }
  }
  const { execution, at: started } = start
  const url = deps.link(execution)
  deps.log(`Smoke run of ${name} started: execution ${execution.id} (${url})`)
  const done = (run: Omit<SmokeRun, 'flow' | 'executionId' | 'url'>): SmokeRun => {
    deps.log(
      `Smoke run of ${name}, execution ${execution.id}: ${run.state ?? 'unknown state'} (${run.verdict})${run.message ? `: ${run.message}` : ''}`
    )
    return { flow: target, executionId: execution.id, url, ...run }
  }

  let last = execution
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
    const verdict = verdictOf(last.state)
    if (verdict) return done({ state: last.state, verdict, durationMs: durationOf(last) })
    const left = deadline - deps.now()
    if (left <= 0) {
      return done({
        state: last.state,
        verdict: 'timed-out',
        durationMs: deps.now() - started,
        message: 'still running at the smoke timeout: left running'
      })
    }
    await deps.sleep(Math.min(wait, left))
    let read: Execution | undefined
    try {
      read = await deps.api.getExecution(execution.id, { deadline })
    } catch (error) {
      if (deps.now() < deadline) {
        return done({ state: last.state, verdict: 'failed', message: errorMessage(error) })
      }
      continue // the deadline cut the read: the timeout verdict above
    }
    if (read) last = read
    else if (deps.now() - started > NOT_RECORDED_GRACE_MS) {
      return done({
        state: last.state,
        verdict: 'failed',
        message: 'the server no longer knows this execution (404)'
      })
    }
  }
}

function verdictOf(state: string): SmokeRun['verdict'] | undefined {
  if (PASSING.has(state)) return 'passed'
  if (FAILING.has(state)) return 'failed'
  return undefined // still going, or a state newer than this action: keep polling until the deadline
}

function durationOf(execution: Execution): number | undefined {
  if (!execution.startDate || !execution.endDate) return undefined
  const ms = Date.parse(execution.endDate) - Date.parse(execution.startDate)
  return Number.isNaN(ms) ? undefined : Math.max(0, ms)
}

/** Kestra's label key pattern, never `system.` (docs/kestra.md#execution-labels). */
const RUN_LABEL = 'kestra-gitops.run'
const LINE_LABEL = 'kestra-gitops.smoke'
const ATTEMPT_LABEL = 'kestra-gitops.attempt'

/** A 404 this soon after the start means "not yet" (docs/kestra.md#read-an-execution). */
export const NOT_RECORDED_GRACE_MS = 15_000
/** A request's attempts (docs/guarantees.md#retries-and-deadlines), each after a lookup found nothing. */
const MAX_STARTS = 4
const FIRST_POLL_MS = 250
const MAX_POLL_MS = 5_000

interface StartDeps {
  api: ExecutionsApi
  /** A label of every execution this run starts. */
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
 * Starts one smoke line's execution once (docs/smoke-and-rollback.md#starting-once): a start whose answer
 * is lost is looked up by its labels until Kestra had time to record it; only when none appears is another
 * start sent, with the next attempt's label.
 */
async function startOnce(
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

/** The start may or may not have reached Kestra. */
function answerLost(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.status === undefined || isRetryableStatus(error.status))
  )
}

function timedOut(lost: string, labels: Label[]): string {
  const label = labels.map(([key, value]) => `${key}:${value}`).join(' ')
  return `whether it started is unknown at the smoke timeout${lost ? ` (${lost})` : ''}: look for an execution labelled ${label}`
}
