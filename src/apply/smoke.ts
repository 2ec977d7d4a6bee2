import type { Execution } from '../model/kestra.js'
import { errorMessage } from '../model/errors.js'
import type { SmokeFlow } from '../model/inputs/smoke-flows.js'
import {
  FIRST_POLL_MS,
  MAX_POLL_MS,
  NOT_RECORDED_GRACE_MS,
  startOnce,
  type StartDeps
} from './smoke-start.js'
import type { SmokeReport, SmokeRun } from '../model/after-deploy.js'

/** Terminal states (docs/kestra.md#execution-states); only these two pass. */
const PASSING = new Set(['SUCCESS', 'WARNING'])
const FAILING = new Set(['FAILED', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED'])

interface SmokeDeps extends StartDeps {
  /** One deadline for the whole phase, from the first start to the last verdict. */
  timeoutMs: number
  /** The execution's page in the Kestra UI. */
  link(execution: Execution): string
}

/**
 * Starts one execution per smoke flow, once each, and polls each until it ends or the shared
 * deadline passes (docs/smoke-and-rollback.md#smoke-runs); every request's own timeout is cut to
 * the time left. An execution still running at the deadline is named and left running.
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
