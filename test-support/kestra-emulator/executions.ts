/**
 * The emulator's executions (docs/kestra.md#executions): time-driven runs with a scripted outcome and
 * duration per flow, recorded only after a delay (a read right after the start answers 404, as Kestra's
 * can).
 */
import { randomBytes } from 'node:crypto'
import type { ExecutionLabel } from './execution-labels.js'

export interface ExecutionScript {
  /** Final state (default SUCCESS). */
  state?: string
  /** From the start to the final state, ms (default 100). */
  durationMs?: number
  /** Reads and kills answer 404 this long after the start (default 50). */
  recordDelayMs?: number
}

export interface StoredExecution {
  id: string
  tenant: string
  namespace: string
  flowId: string
  flowRevision: number
  /** Inputs as received (multipart text parts of declared inputs). */
  inputs: Record<string, string>
  /** The flow's labels (`system.` ones excepted), then the start's. */
  labels: ExecutionLabel[]
  /** 1.x: NORMAL, TEST or PLAYGROUND; absent before. */
  kind?: string
  /** Epoch ms. */
  createdAt: number
  script: Required<ExecutionScript>
  /** Epoch ms of the kill request, if any. */
  killedAt?: number
}

const KILL_TAKES_MS = 20
const RUNNING_AFTER_MS = 10
const TERMINAL = new Set([
  'FAILED',
  'WARNING',
  'SUCCESS',
  'KILLED',
  'CANCELLED',
  'RETRIED',
  'SKIPPED',
  'RESUBMITTED'
])
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export class Executions {
  private readonly scripts = new Map<string, ExecutionScript>()
  private readonly byId = new Map<string, StoredExecution>()

  script(tenant: string, namespace: string, flowId: string, script: ExecutionScript): void {
    this.scripts.set(`${tenant}/${namespace}/${flowId}`, script)
  }

  start(
    run: Omit<StoredExecution, 'id' | 'createdAt' | 'script'>,
    now = Date.now()
  ): StoredExecution {
    const script = this.scripts.get(`${run.tenant}/${run.namespace}/${run.flowId}`) ?? {}
    const execution: StoredExecution = {
      ...run,
      id: [...randomBytes(22)].map((b) => BASE62[b % 62]).join(''),
      createdAt: now,
      script: { state: 'SUCCESS', durationMs: 100, recordDelayMs: 50, ...script }
    }
    this.byId.set(execution.id, execution)
    return execution
  }

  /** The execution once recorded (undefined before, or unknown). */
  recorded(tenant: string, id: string, now = Date.now()): StoredExecution | undefined {
    const execution = this.byId.get(id)
    if (!execution || execution.tenant !== tenant) return undefined
    return now - execution.createdAt < execution.script.recordDelayMs ? undefined : execution
  }

  /** Every execution started, oldest first. */
  all(): StoredExecution[] {
    return [...this.byId.values()]
  }
}

/** The state history at `now`: CREATED, RUNNING, then the scripted end or KILLING → KILLED. */
export function historyOf(
  execution: StoredExecution,
  now = Date.now()
): { state: string; at: number }[] {
  const { createdAt, script, killedAt } = execution
  const end = createdAt + script.durationMs
  const history = [{ state: 'CREATED', at: createdAt }]
  const runningAt = createdAt + Math.min(RUNNING_AFTER_MS, script.durationMs)
  if (now >= runningAt && (killedAt === undefined || killedAt > runningAt)) {
    history.push({ state: 'RUNNING', at: runningAt })
  }
  if (killedAt !== undefined && killedAt < end) {
    history.push({ state: 'KILLING', at: killedAt })
    if (now >= killedAt + KILL_TAKES_MS)
      history.push({ state: 'KILLED', at: killedAt + KILL_TAKES_MS })
    return history
  }
  if (now >= end) history.push({ state: script.state, at: end })
  return history
}

export function isTerminal(state: string): boolean {
  return TERMINAL.has(state)
}
