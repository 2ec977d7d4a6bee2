/**
 * The drift watch over dashboards (docs/drift.md, docs/dashboards.md): a dashboard edited, created or
 * deleted in Kestra's UI is drift like a flow; the issue names it, the pull request brings the server's
 * YAML back to `dashboards/<id>.yml`, and a revert deploys Git over it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { dashboard, liveDashboards, OPS, SALES } from '../dashboards-stage.js'
import { seedOf } from '../../reliability/expected-state.js'
import {
  blobText,
  branchTree,
  log,
  startDriftStage,
  tenantTree,
  workspaceTree,
  type DriftStage
} from './stage.js'

const BRANCH = 'kestra-gitops/drift-default'
const SALES_UI = dashboard('sales', 'Sales (tuned in the UI)')
const ADHOC = dashboard('adhoc', 'Made in the UI')

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** The repository and the server hold sales and ops; then the UI edits sales, deletes ops, adds adhoc. */
async function editedStage(): Promise<DriftStage> {
  const tree = { ...tenantTree(), 'dashboards/sales.yml': SALES, 'dashboards/ops.yml': OPS }
  const s = await startDriftStage({
    tree,
    seed: { ...seedOf(tree), dashboards: [{ source: SALES }, { source: OPS }] },
    // 1.3.25: the server's answers carry each dashboard's source.
    emulator: { version: '1.3.25' },
    github: { actionsCanCreatePullRequests: true }
  })
  await s.ui.editDashboard('sales', SALES_UI)
  await s.ui.deleteDashboard('ops')
  await s.ui.createDashboard(ADHOC)
  return s
}

describe('drift watch: dashboards changed in the UI', () => {
  it('names each in the issue and brings the server YAML back as a pull request; nothing is written to Kestra', async () => {
    stage = await editedStage()
    const result = await stage.drift({ 'drift-action': 'pull-request' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ drifted: '3', 'has-changes': 'true' })
    expect(stage.kestraWrites()).toEqual([])
    expect(
      stage.kestra.requests.filter((r) => /^dashboards\.(create|update|delete)$/.test(r.route))
    ).toEqual([])

    const [issue, ...more] = stage.driftIssues()
    expect(more).toEqual([])
    expect(issue!.body).toContain('dashboard <code>sales</code> — edited in Kestra')
    expect(issue!.body).toContain('dashboard <code>ops</code> — deleted in Kestra')
    expect(issue!.body).toContain('dashboard <code>adhoc</code> — only in Kestra')
    expect(issue!.body).toContain('+title: Sales (tuned in the UI)')

    const before = workspaceTree(stage.repo, stage.head)
    const after = branchTree(stage.github, BRANCH)
    const changed = [...new Set([...before.keys(), ...after.keys()])]
      .filter((path) => before.get(path) !== after.get(path))
      .sort()
    expect(changed).toEqual(['dashboards/adhoc.yml', 'dashboards/ops.yml', 'dashboards/sales.yml'])
    expect(after.has('dashboards/ops.yml')).toBe(false)
    expect(blobText(stage.github, after.get('dashboards/sales.yml')!)).toBe(SALES_UI)
    expect(blobText(stage.github, after.get('dashboards/adhoc.yml')!)).toBe(ADHOC)
  })

  it('drift-action: revert deploys Git over them: sales and ops back, adhoc deleted only with delete', async () => {
    stage = await editedStage()
    const kept = await stage.drift({ 'drift-action': 'revert' })
    expect(kept.exitCode, log(kept)).toBe(0)
    expect(liveDashboards(stage.kestra)).toEqual({ sales: SALES, ops: OPS, adhoc: ADHOC })

    await stage.ui.editDashboard('sales', SALES_UI)
    const reverted = await stage.drift({ 'drift-action': 'revert', delete: 'true' })
    expect(reverted.exitCode, log(reverted)).toBe(0)
    expect(liveDashboards(stage.kestra)).toEqual({ sales: SALES, ops: OPS })
    const again = await stage.drift({ 'drift-action': 'revert', delete: 'true' })
    expect(again.outputs).toMatchObject({ drifted: '0' })
    expect(
      stage.kestra.requests.filter((r) => /^dashboards\.(create|update|delete)$/.test(r.route))
    ).toEqual([])
  })

  it('a repository that holds no dashboard does not manage them: one made in the UI is no drift', async () => {
    stage = await startDriftStage({ emulator: { version: '1.3.25' } })
    await stage.ui.createDashboard(ADHOC)
    const result = await stage.drift({ 'drift-action': 'pull-request' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ drifted: '0' })
    expect(stage.kestra.requests.filter((r) => r.route.startsWith('dashboards.'))).toEqual([])
    expect(stage.driftIssues()).toEqual([])
  })
})
