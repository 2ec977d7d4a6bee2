/**
 * The fault loops every kind's resources go through (dashboards, KV pairs), over a push deploy that
 * updates, creates and deletes some of them and updates a flow: the k-th write fails, for every k; the k-th
 * write of its rollback fails, for every k; the runner is killed at the k-th write of its rollback, for
 * every k, and the step re-run. After each run, what the report says of each resource is compared with
 * what the server holds.
 */
import { expect } from 'vitest'
import { WRITE_ROUTES, type Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import {
  NS,
  onDashStage,
  pushRun,
  writes,
  type DashStage,
  type DashStageOptions,
  type Held
} from './dashboards-stage.js'

export interface KindFaults {
  stage: DashStageOptions
  /** The resources the deploy changes. */
  ids: string[]
  /** What the server holds of one of them now. */
  held(kestra: Emulator, id: string): Held
  /** Its cell in the column of a report table (Deployed's `Result`, the rollback's `Rollback`). */
  cell(markdown: string, id: string, column: string): string | undefined
}

const INPUTS = { delete: 'true' }
const ROLLBACK_INPUTS = { ...INPUTS, rollback: 'true', 'smoke-flows': `${NS}.hello` }

function deployDisagreements(kind: KindFaults, s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const id of kind.ids) {
    const now = kind.held(s.kestra, id)
    const reported = kind.cell(result.summary, id, 'Result')
    const applied = ['created', 'updated', 'deleted'].includes(reported ?? '')
    if (now === 'other' || (now === 'deployed') !== applied) {
      problems.push(`${id} is ${now} on the server, the summary says ${reported}`)
    }
  }
  const left = kind.ids.filter((id) => kind.held(s.kestra, id) !== 'deployed')
  if (left.length > 0 && result.exitCode === 0) problems.push(`exit 0 with ${left} not deployed`)
  return problems
}

function rollbackDisagreements(kind: KindFaults, s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const id of kind.ids) {
    const now = kind.held(s.kestra, id)
    const reported = kind.cell(result.summary, id, 'Rollback')
    if ((now === 'before') !== (reported === 'restored')) {
      problems.push(`${id} is ${now} on the server, the rollback table says ${reported}`)
    }
  }
  const back = kind.ids.every((id) => kind.held(s.kestra, id) === 'before')
  if (result.outputs['rolled-back'] === 'true' && !back) {
    problems.push('rolled-back is true, yet a resource is not back')
  }
  return problems
}

/** Calls `onWrite(n)` for the n-th write request the server receives after the smoke run started. */
function countRollbackWrites(s: DashStage, onWrite: (n: number) => void): void {
  let smokeStarted = false
  let n = 0
  s.kestra.onRequest((request) => {
    if (request.route === 'executions.create') smokeStarted = true
    else if (smokeStarted && WRITE_ROUTES.includes(request.route)) onWrite(++n)
  })
}

/** The writes of the deploy (`rollback` false) or of its rollback. */
export async function countWrites(kind: KindFaults, rollback: boolean): Promise<number> {
  let total = 0
  await onDashStage(kind.stage, async (s) => {
    s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
    countRollbackWrites(s, (n) => (total = rollback ? n : total))
    const result = await pushRun(s, rollback ? ROLLBACK_INPUTS : INPUTS)
    if (!rollback) total = writes(s.kestra).length
    expect(result.outputs['rolled-back']).toBe(rollback ? 'true' : 'false')
  })
  return total
}

/** Fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges. */
export async function failEachDeployWrite(kind: KindFaults, total: number): Promise<string[]> {
  const problems: string[] = []
  for (let k = 1; k <= total; k++) {
    await onDashStage(kind.stage, async (s) => {
      s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
      const result = await pushRun(s, INPUTS)
      problems.push(...deployDisagreements(kind, s, result).map((p) => `k=${k}: ${p}`))
      const rerun = await pushRun(s, INPUTS)
      const converged = kind.ids.every((id) => kind.held(s.kestra, id) === 'deployed')
      if (rerun.exitCode !== 0 || !converged) problems.push(`k=${k}: the re-run did not converge`)
    })
  }
  return problems
}

/** Fails the k-th write of the rollback, for every k: the rollback report matches the server. */
export async function failEachRollbackWrite(kind: KindFaults, total: number): Promise<string[]> {
  const problems: string[] = []
  for (let k = 1; k <= total; k++) {
    await onDashStage(kind.stage, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
      s.kestra.onRequest((request) => {
        if (request.route !== 'executions.create') return
        s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
      })
      const result = await pushRun(s, ROLLBACK_INPUTS)
      problems.push(...rollbackDisagreements(kind, s, result).map((p) => `k=${k}: ${p}`))
    })
  }
  return problems
}

/** Kills the runner at the k-th write of the rollback, for every k; the re-run puts every resource back. */
export async function killAtEachRollbackWrite(kind: KindFaults, total: number): Promise<string[]> {
  const problems: string[] = []
  for (let k = 1; k <= total; k++) {
    await onDashStage(kind.stage, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
      const kill = new AbortController()
      countRollbackWrites(s, (n) => n === k && kill.abort())
      const killed = await pushRun(s, ROLLBACK_INPUTS, kill.signal)
      expect(kill.signal.aborted, `k=${k}`).toBe(true)
      expect(killed.exitCode).not.toBe(0)
      s.kestra.onRequest(undefined)
      const rerun = await pushRun(s, ROLLBACK_INPUTS)
      const left = kind.ids.filter((id) => kind.held(s.kestra, id) !== 'before')
      if (left.length > 0) problems.push(`k=${k}: not back after the re-run: ${left}`)
      if (rerun.outputs['rolled-back'] !== 'true') {
        problems.push(`k=${k}: the re-run says rolled-back ${rerun.outputs['rolled-back']}`)
      }
      problems.push(...rollbackDisagreements(kind, s, rerun).map((p) => `k=${k}: ${p}`))
    })
  }
  return problems
}
