/**
 * `drift-action: revert`: Git is deployed over the drift through the one deploy path, under every deploy
 * guard (compare right before each write, max-deletions, the out-of-order guard, smoke, rollback).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import { log, NS, startDriftStage, type DriftStage } from './stage.js'

const REVERT = { 'drift-action': 'revert' }

let stage: DriftStage | undefined
afterEach(async () => {
  stage?.kestra.onRequest(undefined)
  await stage?.close()
  stage = undefined
})

function liveSource(s: DriftStage, id: string): string | undefined {
  return s.kestra.snapshot().flows.find((f) => f.namespace === NS && f.id === id && !f.deleted)
    ?.source
}

describe('drift watch: revert (self-heal)', () => {
  it('overwrites the UI edit with Git, names it in the report, and keeps no issue open', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift(REVERT)
    expect(result.exitCode, log(result)).toBe(0)
    expect(liveSource(stage, 'solo')).toBe(flow(NS, 'solo'))
    expect(result.outputs).toMatchObject({
      mode: 'drift',
      drifted: '1',
      'has-changes': 'true',
      deployed: 'true',
      updated: '1'
    })
    const writes = stage.kestraWrites().filter((r) => !r.route.startsWith('kv.'))
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /api/v1/main/flows/${NS}/solo`
    ])
    expect(result.summary).toContain(`${NS}.solo`)
    expect(result.summary).toMatch(/revert/i)
    expect(stage.driftIssues().filter((issue) => issue.state === 'open')).toEqual([])

    const after = await stage.drift(REVERT)
    expect(after.outputs).toMatchObject({ drifted: '0', 'has-changes': 'false' })
  })

  it('stores the checks and content facts in the commit marker, as every deploy does', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift(REVERT)
    expect(result.exitCode, log(result)).toBe(0)
    const marker = stage.kestra
      .snapshot()
      .kv.find((e) => e.namespace === NS && e.key === 'kestra-gitops-commit')?.value as {
      checks?: Record<string, unknown>
    }
    expect(Object.keys(marker.checks ?? {}), log(result)).not.toHaveLength(0)
  })

  it('closes the drift issue an earlier report opened once the revert leaves no drift', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    expect((await stage.drift()).exitCode).toBe(0)
    const [issue] = stage.driftIssues()
    const result = await stage.drift(REVERT)
    expect(result.exitCode, log(result)).toBe(0)
    expect(stage.driftIssues()[0]).toMatchObject({ number: issue!.number, state: 'closed' })
    expect(stage.github.comments(issue!.number).at(-1)!.body).toMatch(/revert/i)
  })

  it('a concurrent edit during the revert is a conflict, not overwritten', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const s = stage
    let lists = 0
    s.kestra.onRequest((request) => {
      // The plan lists the namespace once; the second listing is the compare right before the write.
      if (
        request.route === 'flows.list' &&
        request.path.endsWith(`/flows/${NS}`) &&
        ++lists === 2
      ) {
        s.kestra.seed({
          flows: [{ namespace: NS, id: 'solo', source: flow(NS, 'solo', ' (second edit)') }]
        })
      }
    })
    const result = await s.drift(REVERT)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/conflict: flow:company\.team\/solo/)
    expect(liveSource(s, 'solo')).toBe(flow(NS, 'solo', ' (second edit)'))
    // The drift is still there: the issue says so, and names the conflict.
    const [issue] = s.driftIssues()
    expect(issue).toMatchObject({ state: 'open' })
    expect(issue!.body).toContain(`${NS}.solo`)
    expect(issue!.body).toMatch(/conflict/i)
  })

  it('obeys delete and max-deletions: flows only on the server are kept unless delete allows, refused over the limit', async () => {
    stage = await startDriftStage()
    for (const id of ['x1', 'x2', 'x3']) await stage.ui.createFlow(flow(NS, id))
    const kept = await stage.drift(REVERT)
    expect(kept.exitCode, log(kept)).toBe(0)
    expect(kept.outputs).toMatchObject({ drifted: '3', deleted: '0' })
    expect(liveSource(stage, 'x1')).toBeDefined()
    // They are still drift: the issue stays open and says why they were kept.
    expect(stage.driftIssues()[0]!.body).toMatch(/delete/)

    stage.kestra.clearLog()
    const refused = await stage.drift({ ...REVERT, delete: 'true', 'max-deletions': '2' })
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toMatch(/more than max-deletions \(2\)/)
    expect(stage.kestraWrites()).toEqual([])

    const allowed = await stage.drift({ ...REVERT, delete: 'true' })
    expect(allowed.exitCode, log(allowed)).toBe(0)
    expect(liveSource(stage, 'x1')).toBeUndefined()
    expect(stage.driftIssues()[0]!.state).toBe('closed')
  })

  it('a UI edit that breaks a smoke flow is reverted and the smoke run proves it', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift({ ...REVERT, 'smoke-flows': `${NS}.solo` })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ smoke: 'passed', deployed: 'true' })
    expect(stage.kestra.executions().map((e) => e.flowId)).toEqual(['solo'])
  })

  it('pull-request writes nothing to Kestra, revert nothing to the repository', async () => {
    stage = await startDriftStage({ github: { actionsCanCreatePullRequests: true } })
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const mark = stage.github.requests.length
    expect((await stage.drift(REVERT)).exitCode).toBe(0)
    const calls = stage.githubCalls(mark)
    expect(calls.filter((call) => /\/git\/|\/pulls/.test(call))).toEqual([])
  })
})
