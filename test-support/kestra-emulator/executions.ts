/**
 * The emulator's executions (docs/kestra.md#executions): time-driven runs with a scripted outcome and
 * duration per flow, recorded only after a delay (a read right after the start answers 404, as Kestra's
 * can); and runs seeded as already under way, in any state, since any date (a paused run of last month).
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
  /** A seeded run's states, oldest first (its script is then unused). */
  timeline?: { state: string; at: number }[]
}

/** A run that was under way before the test: its state now, since when, and whether and how it ends. */
export interface SeededExecution {
  namespace: string
  flowId: string
  tenant?: string
  /** Its state now (default RUNNING); any `State.Type`, e.g. PAUSED or QUEUED. */
  state?: string
  /** When it was created: epoch ms or an ISO instant (default: now). */
  startedAt?: number | string
  /** It reaches `endState` this long after seeding (default: never). */
  endsAfterMs?: number
  /** Default SUCCESS. */
  endState?: string
  /** Default 1. */
  flowRevision?: number
  /** 1.x: NORMAL (default), TEST or PLAYGROUND. */
  kind?: string
  labels?: ExecutionLabel[]
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

  /** A run already under way, recorded at once. */
  seed(run: SeededExecution & { tenant: string }, v1: boolean, now = Date.now()): StoredExecution {
    const createdAt =
      typeof run.startedAt === 'string' ? Date.parse(run.startedAt) : (run.startedAt ?? now)
    const state = run.state ?? 'RUNNING'
    const timeline = [{ state: 'CREATED', at: createdAt }]
    if (state !== 'CREATED')
      timeline.push({ state, at: Math.min(createdAt + RUNNING_AFTER_MS, now) })
    if (run.endsAfterMs !== undefined) {
      timeline.push({ state: run.endState ?? 'SUCCESS', at: now + run.endsAfterMs })
    }
    const execution: StoredExecution = {
      id: [...randomBytes(22)].map((b) => BASE62[b % 62]).join(''),
      tenant: run.tenant,
      namespace: run.namespace,
      flowId: run.flowId,
      flowRevision: run.flowRevision ?? 1,
      inputs: {},
      labels: run.labels ?? [],
      ...(v1 && { kind: run.kind ?? 'NORMAL' }),
      createdAt,
      script: { state: run.endState ?? 'SUCCESS', durationMs: Infinity, recordDelayMs: 0 },
      timeline
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

/**
 * The state history at `now`: CREATED, RUNNING, then the scripted end or KILLING → KILLED; a seeded run's
 * timeline up to `now`, or up to a kill.
 */
export function historyOf(
  execution: StoredExecution,
  now = Date.now()
): { state: string; at: number }[] {
  const { createdAt, script, killedAt, timeline } = execution
  if (timeline) return seededHistory(timeline, killedAt, now)
  const end = createdAt + script.durationMs
  const history = [{ state: 'CREATED', at: createdAt }]
  const runningAt = createdAt + Math.min(RUNNING_AFTER_MS, script.durationMs)
  // A run is RUNNING from `runningAt` on, that millisecond included: a kill within it comes after RUNNING.
  if (now >= runningAt && (killedAt === undefined || killedAt >= runningAt)) {
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

function seededHistory(
  timeline: { state: string; at: number }[],
  killedAt: number | undefined,
  now: number
): { state: string; at: number }[] {
  const history = timeline.filter(({ at }, i) => i === 0 || at <= now)
  if (killedAt === undefined) return history
  const before = history.filter(({ at }) => at <= killedAt)
  if (isTerminal(before[before.length - 1]!.state)) return before
  before.push({ state: 'KILLING', at: killedAt })
  if (now >= killedAt + KILL_TAKES_MS)
    before.push({ state: 'KILLED', at: killedAt + KILL_TAKES_MS })
  return before
}
