/**
 * Dashboards under faults (docs/dashboards.md): over a push deploy that updates, creates and deletes a
 * dashboard (and updates a flow), the k-th write fails, for every k; the k-th write of its rollback fails,
 * for every k; the runner is killed at the k-th write of its rollback, for every k, and the step re-run.
 * After each run, what the report says of each dashboard is compared with what the server holds.
 */
import { describe, expect, it } from 'vitest'
import { cell, FAULT_CHANGED, FAULT_STAGE, heldDashboard } from './dashboards-stage.js'
import {
  countWrites,
  failEachDeployWrite,
  failEachRollbackWrite,
  killAtEachRollbackWrite,
  type KindFaults
} from './kind-faults.js'

const DASHBOARDS: KindFaults = {
  stage: FAULT_STAGE,
  ids: Object.keys(FAULT_CHANGED),
  held: heldDashboard,
  cell
}

describe('dashboards under faults', () => {
  it('fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges', async () => {
    const total = await countWrites(DASHBOARDS, false)
    expect(total).toBeGreaterThanOrEqual(4) // the flow, sales, ops, legacy (and the marker)
    expect(await failEachDeployWrite(DASHBOARDS, total)).toEqual([])
  }, 300_000)

  it('fails the k-th write of the rollback, for every k: the rollback report matches the server', async () => {
    const total = await countWrites(DASHBOARDS, true)
    expect(total).toBeGreaterThanOrEqual(4) // the flow and the three dashboards (and the record, the marker)
    expect(await failEachRollbackWrite(DASHBOARDS, total)).toEqual([])
  }, 300_000)

  it('kills the runner at the k-th write of the rollback, for every k; the re-run puts every dashboard back', async () => {
    const total = await countWrites(DASHBOARDS, true)
    expect(await killAtEachRollbackWrite(DASHBOARDS, total)).toEqual([])
  }, 600_000)
})
