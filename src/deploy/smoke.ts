import type { Execution, ExecutionsApi } from '../kestra/api.js'
import { errorMessage } from '../errors.js'
import type { SmokeFlow } from '../inputs/smoke-lines.js'

/** Terminal states (docs/kestra.md#execution-states); only these two pass. */
const PASSING = new Set(['SUCCESS', 'WARNING'])
const FAILING = new Set(['FAILED', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED'])

/**
 * Kestra records a new execution asynchronously: a 404 this soon after the start means "not yet"
 * (docs/kestra.md#read-an-execution).
 */
export const NOT_RECORDED_GRACE_MS = 15_000
const FIRST_POLL_MS = 250
const MAX_POLL_MS = 5_000

export interface SmokeRun {
  flow: Pick<SmokeFlow, 'namespace' | 'id'>
  /** Absent when the execution could not start. */
  executionId?: string
  /** The last state seen (terminal unless timed out). */
  state?: string
  verdict: 'passed' | 'failed' | 'timed-out'
  /** From the execution's start to its end (or to the deadline), in ms. */
  durationMs?: number
  /** The execution in the Kestra UI. */
  url?: string
  /** Why it failed to start or to be read. */
  message?: string
}

export interface SmokeReport {
  runs: SmokeRun[]
  passed: boolean
}

export interface SmokeDeps {
  api: ExecutionsApi
  /** Shared by every execution, from the first start. */
  timeoutMs: number
  /** The execution's page in the Kestra UI. */
  link(execution: Execution): string
  now(): number
  sleep(ms: number): Promise<void>
  log(message: string): void
}

/**
 * Starts one execution per smoke flow and polls each until it ends or the shared deadline passes
 * (docs/smoke-and-rollback.md#smoke-runs). An execution still running at the deadline is named and left
 * running.
 */
export async function runSmoke(flows: readonly SmokeFlow[], deps: SmokeDeps): Promise<SmokeReport> {
  const deadline = deps.now() + deps.timeoutMs
  const runs = await Promise.all(flows.map((flow) => runOne(flow, deadline, deps)))
  return { runs, passed: runs.every((run) => run.verdict === 'passed') }
}

async function runOne(flow: SmokeFlow, deadline: number, deps: SmokeDeps): Promise<SmokeRun> {
  const name = `${flow.namespace}.${flow.id}`
  const target = { namespace: flow.namespace, id: flow.id }
  let execution: Execution
  try {
    execution = await deps.api.startExecution(flow.namespace, flow.id, flow.inputs)
  } catch (error) {
    deps.log(`Smoke run of ${name} could not start: ${errorMessage(error)}`)
    return { flow: target, verdict: 'failed', message: errorMessage(error) }
  }
  const started = deps.now()
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
      read = await deps.api.getExecution(execution.id)
    } catch (error) {
      return done({ state: last.state, verdict: 'failed', message: errorMessage(error) })
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
