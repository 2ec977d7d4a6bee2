/**
 * Dashboards under faults (docs/dashboards.md): over a push deploy that updates, creates and deletes a
 * dashboard (and updates a flow), the k-th write fails, for every k; the k-th write of its rollback fails,
 * for every k; the runner is killed at the k-th write of its rollback, for every k, and the step re-run.
 * After each run, what the report says of each dashboard is compared with what the server holds.
 */
import { describe, expect, it } from 'vitest'
import { WRITE_ROUTES } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import {
  cell,
  deployed,
  FAULT_CHANGED,
  FAULT_STAGE,
  heldDashboard,
  NS,
  onDashStage,
  pushRun,
  writes,
  type DashStage
} from './dashboards-stage.js'

const STAGE = FAULT_STAGE
const CHANGED = FAULT_CHANGED
const held = heldDashboard

const INPUTS = { delete: 'true' }
const ROLLBACK_INPUTS = { ...INPUTS, rollback: 'true', 'smoke-flows': `${NS}.hello` }

/** Every way the Deployed table disagrees with the server about a dashboard. */
function deployDisagreements(s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const id of Object.keys(CHANGED)) {
    const now = held(s.kestra, id)
    const reported = deployed(result.summary, id)
    const applied = ['created', 'updated', 'deleted'].includes(reported ?? '')
    if (now === 'other' || (now === 'deployed') !== applied) {
      problems.push(`${id} is ${now} on the server, the summary says ${reported}`)
    }
  }
  const left = Object.keys(CHANGED).filter((id) => held(s.kestra, id) !== 'deployed')
  if (left.length > 0 && result.exitCode === 0) problems.push(`exit 0 with ${left} not deployed`)
  return problems
}

/** Every way the rollback report disagrees with the server about a dashboard. */
function rollbackDisagreements(s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const id of Object.keys(CHANGED)) {
    const now = held(s.kestra, id)
    const reported = cell(result.summary, id, 'Rollback')
    if ((now === 'before') !== (reported === 'restored')) {
      problems.push(`${id} is ${now} on the server, the rollback table says ${reported}`)
    }
  }
  const back = Object.keys(CHANGED).every((id) => held(s.kestra, id) === 'before')
  if (result.outputs['rolled-back'] === 'true' && !back) {
    problems.push('rolled-back is true, yet a dashboard is not back')
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

async function count(inputs: Record<string, string>, rollback: boolean): Promise<number> {
  let total = 0
  await onDashStage(STAGE, async (s) => {
    s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
    countRollbackWrites(s, (n) => (total = rollback ? n : total))
    const result = await pushRun(s, inputs)
    if (!rollback) total = writes(s.kestra).length
    expect(result.outputs['rolled-back']).toBe(rollback ? 'true' : 'false')
  })
  return total
}

describe('dashboards under faults', () => {
  it('fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges', async () => {
    const total = await count(INPUTS, false)
    expect(total).toBeGreaterThanOrEqual(4) // the flow, sales, ops, legacy (and the marker)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        const result = await pushRun(s, INPUTS)
        problems.push(...deployDisagreements(s, result).map((p) => `k=${k}: ${p}`))
        const rerun = await pushRun(s, INPUTS)
        const converged = Object.keys(CHANGED).every((id) => held(s.kestra, id) === 'deployed')
        if (rerun.exitCode !== 0 || !converged) problems.push(`k=${k}: the re-run did not converge`)
      })
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('fails the k-th write of the rollback, for every k: the rollback report matches the server', async () => {
    const total = await count(ROLLBACK_INPUTS, true)
    expect(total).toBeGreaterThanOrEqual(4) // the flow and the three dashboards (and the record, the marker)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
        s.kestra.onRequest((request) => {
          if (request.route !== 'executions.create') return
          s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        })
        const result = await pushRun(s, ROLLBACK_INPUTS)
        problems.push(...rollbackDisagreements(s, result).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('kills the runner at the k-th write of the rollback, for every k; the re-run puts every dashboard back', async () => {
    const total = await count(ROLLBACK_INPUTS, true)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
        const kill = new AbortController()
        countRollbackWrites(s, (n) => n === k && kill.abort())
        const killed = await pushRun(s, ROLLBACK_INPUTS, kill.signal)
        expect(kill.signal.aborted, `k=${k}`).toBe(true)
        expect(killed.exitCode).not.toBe(0)
        s.kestra.onRequest(undefined)
        const rerun = await pushRun(s, ROLLBACK_INPUTS)
        const left = Object.keys(CHANGED).filter((id) => held(s.kestra, id) !== 'before')
        if (left.length > 0) problems.push(`k=${k}: not back after the re-run: ${left}`)
        if (rerun.outputs['rolled-back'] !== 'true') {
          problems.push(`k=${k}: the re-run says rolled-back ${rerun.outputs['rolled-back']}`)
        }
        problems.push(...rollbackDisagreements(s, rerun).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
  }, 600_000)
})
