/**
 * Dashboards as a managed kind (docs/dashboards.md), end to end through the bundled action against the
 * Kestra emulator (its dashboards routes as Kestra's `DashboardController` answers them) and the fake
 * GitHub API: found in the repository, validated locally and by the server, planned with diffs, drift and
 * orphans under their own heading, deployed, compared right before each write, re-deployed with no write,
 * rolled back after a failed smoke run, and left alone by servers without the API.
 */
import { describe, expect, it } from 'vitest'
import { startFakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator } from '../../test-support/kestra-emulator/index.js'
import { rewrittenAnswer } from '../../test-support/rewritten-answer.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, validateFiles } from '../../test-support/scenario.js'
import { runCli } from './cli/run-cli.js'
import {
  cell,
  dashboard,
  dashboardRequests,
  deployed,
  failureText,
  HELLO,
  HELLO_V2,
  LEGACY,
  liveDashboards,
  NS,
  onDashStage,
  OPS,
  planRun,
  plannedDashboards,
  PR,
  pushRun,
  SALES,
  SALES_V2,
  SAME,
  sectionOf,
  TIMESERIES,
  writes
} from './dashboards-stage.js'

const HEADING = '#### Dashboards'

/** The server holds hello, sales and same (and legacy, which the repository never held). */
const BASE = {
  [`${NS}/flows/hello.yml`]: HELLO,
  'dashboards/team/sales.yaml': SALES,
  'dashboards/same.yml': SAME
}
/** The pull request updates sales and adds ops. */
const CHANGE = { 'dashboards/team/sales.yaml': SALES_V2, 'dashboards/ops.yml': OPS }
const WITH_LEGACY = { dashboards: [{ source: LEGACY }] }

describe('dashboards on a pull request', () => {
  it('plans them under their own heading with diffs and the orphan kept, counted in the outputs, summary and plan file; writes nothing', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change, seed: WITH_LEGACY }, async (s) => {
      const result = await planRun(s)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const body = s.github.comments(PR)[0]!.body
      expect(body).toMatch(
        /^### Kestra plan: 1 to create, 2 to update, 0 to delete, 1 unchanged, 1 orphaned, 1 drifted$/m
      )
      expect(body.split('\n').filter((l) => l === HEADING)).toHaveLength(1)
      const section = sectionOf(body, HEADING)
      expect(section).toContain(
        '<details><summary>🟢 create dashboard <b>ops</b> · +13 −0</summary>'
      )
      expect(section).toContain(
        '<details><summary>🟡 update dashboard <b>sales</b> · +1 −1</summary>'
      )
      expect(section).toContain('-title: Sales\n+title: Sales v2')
      expect(section).toContain('+description: What runs and what fails')
      // Made outside Git (the base commit lacks it): drift, as a flow made in the UI is.
      expect(section).toContain(
        '⚪ orphaned dashboard <b>legacy</b> · ⚠️ drifted · kept because <code>delete</code> is false'
      )
      expect(section).not.toMatch(/(create|update|orphaned) dashboard <b>same<\/b>/)
      // Tenant-wide: never under a namespace's heading.
      const namespaceSection = sectionOf(body, `#### Namespace ${NS}`)
      expect(namespaceSection).toContain(`update flow <b>${NS}.hello</b>`)
      expect(namespaceSection).not.toContain('dashboard')

      expect(result.outputs).toMatchObject({
        mode: 'plan',
        'has-changes': 'true',
        created: '1',
        updated: '2',
        deleted: '0',
        unchanged: '1',
        orphaned: '1',
        drifted: '1'
      })
      expect(result.summary).toContain('| Dashboards | 1 | 1 | 0 | 1 | 1 | 1 |')
      expect(sectionOf(result.summary, HEADING)).toContain('🟡 update dashboard <b>sales</b>')
      expect(plannedDashboards(result).sort(byId)).toEqual([
        { kind: 'dashboard', id: 'legacy', action: 'orphaned', drifted: true },
        { kind: 'dashboard', id: 'ops', action: 'create' },
        { kind: 'dashboard', id: 'sales', action: 'update' },
        { kind: 'dashboard', id: 'same', action: 'unchanged' }
      ])

      // The server's validate endpoint: one dashboard (one YAML object) per call.
      const validations = s.kestra.requests.filter((r) => r.route === 'dashboards.validate')
      expect(validations.map((r) => r.text).sort()).toEqual([OPS, SALES_V2, SAME].sort())
      expect(validations.every((r) => r.contentType === 'application/x-yaml')).toBe(true)
      expect(writes(s.kestra)).toEqual([])
    })
  })

  it('flags drift: a dashboard edited on the server since the base commit, and one edited though the pull request leaves it', async () => {
    const edited = (source: string) =>
      source.replace(/^title: (.*)$/m, 'title: $1 (edited in the UI)')
    const seed = { dashboards: [{ source: edited(SALES) }, { source: edited(SAME) }] }
    await onDashStage({ base: BASE, change: CHANGE, seed }, async (s) => {
      const result = await planRun(s)
      expect(result.exitCode, result.stdout).toBe(0)
      const body = s.github.comments(PR)[0]!.body
      const section = sectionOf(body, HEADING)
      expect(section).toMatch(/🟡 update dashboard <b>sales<\/b> · \+1 −1 · ⚠️ drifted/)
      expect(section).toMatch(/🟡 update dashboard <b>same<\/b> · \+1 −1 · ⚠️ drifted/)
      expect(section).toContain('-title: Sales (edited in the UI)\n+title: Sales v2')
      expect(sectionOf(body, '#### ⚠️ Drift')).toContain('dashboard <b>sales</b> (update)')
      expect(result.outputs).toMatchObject({ drifted: '2', updated: '2' })
      expect(plannedDashboards(result)).toContainEqual({
        kind: 'dashboard',
        id: 'sales',
        action: 'update',
        drifted: true
      })
    })
  })

  it('validates each dashboard locally: every error on its file and line, before any server call', async () => {
    const charts = `id: charts
title: Charts
charts:
  - id: good
    type: ${TIMESERIES}
  - id: _bad
    type: ${TIMESERIES}
  - id: +5
    type: ${TIMESERIES}
`
    const result = await validateFiles({
      [`${NS}/flows/hello.yml`]: HELLO,
      'dashboards/no-title.yml': 'id: notitle\ncharts: []\n',
      'dashboards/no-id.yml': 'title: No id\ncharts: []\n',
      'dashboards/blank-id.yml': 'id: ""\ntitle: Blank\n',
      'dashboards/charts.yml': charts,
      'dashboards/a.yml': dashboard('dup', 'First'),
      'dashboards/b.yml': dashboard('dup', 'Second')
    })
    expect(result.exitCode).toBe(1)
    const errors = result.annotations
      .filter((a) => a.severity === 'error' && a.file)
      .map((a) => ({ at: `${a.file}:${a.line}`, message: a.message }))
      .sort((a, b) => (a.at < b.at ? -1 : 1))
    expect(errors.map((e) => e.at)).toEqual([
      'dashboards/b.yml:1',
      'dashboards/blank-id.yml:1',
      'dashboards/charts.yml:6',
      'dashboards/charts.yml:8',
      'dashboards/no-id.yml:1',
      'dashboards/no-title.yml:1'
    ])
    const message = (at: string) => errors.find((e) => e.at === at)!.message
    expect(message('dashboards/b.yml:1')).toMatch(/dup/)
    expect(message('dashboards/b.yml:1')).toContain('dashboards/a.yml')
    expect(message('dashboards/blank-id.yml:1')).toMatch(/\bid\b/)
    expect(message('dashboards/charts.yml:6')).toContain('^[a-zA-Z0-9][a-zA-Z0-9_-]*')
    expect(message('dashboards/charts.yml:8')).toContain('+5')
    expect(message('dashboards/no-id.yml:1')).toMatch(/\bid\b/)
    expect(message('dashboards/no-title.yml:1')).toMatch(/\btitle\b/)
  })

  it("maps the server validate endpoint's constraints to the lines they name, and a deploy of them writes nothing", async () => {
    const window = `id: window
title: Window
timeWindow:
  default: P400D
  max: P500D
charts: []
`
    const unknown = `id: unknown\ntitle: Unknown\ncharts:\n  - id: c\n    type: io.kestra.plugin.core.dashboard.chart.UnknownChart\n`
    const change = {
      [`${NS}/flows/hello.yml`]: HELLO_V2,
      'dashboards/window.yml': window,
      'dashboards/unknown.yml': unknown
    }
    await onDashStage({ base: BASE, change }, async (s) => {
      const plan = await planRun(s)
      expect(plan.exitCode).toBe(1)
      const at = (file: string, line?: number) =>
        plan.annotations.filter(
          (a) =>
            a.severity === 'error' && a.file === file && (line === undefined || a.line === line)
        )
      expect(at('dashboards/window.yml', 4)[0]?.message).toContain(
        "Time window can't be more than 1 year (366 days)."
      )
      expect(at('dashboards/window.yml', 5)[0]?.message).toContain(
        "Time window can't be more than 1 year (366 days)."
      )
      expect(at('dashboards/unknown.yml')[0]?.message).toContain(
        'Invalid type: io.kestra.plugin.core.dashboard.chart.UnknownChart'
      )
      s.kestra.clearLog()
      const deploy = await pushRun(s)
      expect(deploy.exitCode).toBe(1)
      expect(writes(s.kestra)).toEqual([])
      expect(deploy.outputs.deployed).toBe('false')
    })
  })
})

describe('dashboards deployed', () => {
  it('creates and updates each dashboard from its file, byte for byte, reports them, and a second run writes nothing', async () => {
    await onDashStage({ base: BASE, change: CHANGE, seed: WITH_LEGACY }, async (s) => {
      s.github.seedComments(PR, [{ body: '<!-- kestra-gitops:default -->\n### Kestra plan\n' }])
      const result = await pushRun(s)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      // Tenant-wide: no namespace's deployed commit is asked for them, and nothing is warned.
      expect(result.annotations.filter((a) => a.severity === 'warning')).toEqual([])
      expect(s.kestra.requests.filter((r) => r.route === 'kv.get' && !r.params.namespace)).toEqual(
        []
      )
      expect(liveDashboards(s.kestra)).toEqual({
        legacy: LEGACY,
        ops: OPS,
        sales: SALES_V2,
        same: SAME
      })
      const created = s.kestra.requests.filter((r) => r.route === 'dashboards.create')
      expect(created.map((r) => [r.contentType, r.text])).toEqual([['application/x-yaml', OPS]])
      expect(result.stdout).toContain('dashboard ops: created')
      expect(result.stdout).toContain('dashboard sales: updated')
      expect(deployed(result.summary, 'ops')).toBe('created')
      expect(deployed(result.summary, 'sales')).toBe('updated')
      const comment = s.github.comments(PR)[0]!.body
      expect(comment).toContain('#### Deployed')
      expect(deployed(comment, 'ops')).toBe('created')
      expect(result.outputs).toMatchObject({
        deployed: 'true',
        created: '1',
        updated: '1',
        orphaned: '1'
      })

      const before = s.kestra.snapshot()
      s.kestra.clearLog()
      const again = await pushRun(s)
      expect(again.exitCode, again.stdout).toBe(0)
      expect(writes(s.kestra)).toEqual([])
      expect(s.kestra.snapshot()).toEqual(before)
      expect(again.outputs).toMatchObject({
        deployed: 'false',
        created: '0',
        updated: '0',
        unchanged: '4'
      })
    })
  })

  it('compares right before each write: a dashboard changed on the server meanwhile is kept and named, the others still written', async () => {
    const edited = dashboard('sales', 'Sales (edited during the deploy)')
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change }, async (s) => {
      // Flows are written before dashboards: the edit lands after the plan read the server.
      let done = false
      s.kestra.onRequest((request) => {
        if (request.route !== 'flows.update' || done) return
        done = true
        s.kestra.seed({ dashboards: [{ source: edited }] })
      })
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      expect(liveDashboards(s.kestra)).toMatchObject({ sales: edited, ops: OPS })
      expect(deployed(result.summary, 'sales')).toBe('conflict')
      expect(deployed(result.summary, 'ops')).toBe('created')
      expect(failureText(result)).toMatch(/dashboard sales/)
    })
  })

  it('reports unchanged, not conflict, a dashboard that moved on the server to exactly what the deploy wants', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change }, async (s) => {
      s.kestra.onRequest((request) => {
        if (request.route === 'flows.update') s.kestra.seed({ dashboards: [{ source: SALES_V2 }] })
      })
      const result = await pushRun(s)
      expect(result.exitCode, result.stdout).toBe(0)
      expect(deployed(result.summary, 'sales')).toBe('unchanged')
      expect(s.kestra.requests.filter((r) => r.route === 'dashboards.update')).toEqual([])
    })
  })

  it('never re-creates a dashboard deleted on the server after the plan: a conflict', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change }, async (s) => {
      s.kestra.onRequest((request) => {
        if (request.route === 'flows.update') {
          s.kestra.seed({ dashboards: [{ source: SALES, deleted: true }] })
        }
      })
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      expect(liveDashboards(s.kestra)).not.toHaveProperty('sales')
      expect(deployed(result.summary, 'sales')).toBe('conflict')
    })
  })

  it('a create whose answer was lost is retried, meets "already exists", re-reads and reports it created', async () => {
    await onDashStage({ base: BASE, change: CHANGE }, async (s) => {
      s.kestra.inject({ route: 'dashboards.create', afterHandling: true, reset: true })
      const result = await pushRun(s)
      expect(result.exitCode, result.stdout).toBe(0)
      expect(s.kestra.requests.filter((r) => r.route === 'dashboards.create')).toHaveLength(2)
      expect(liveDashboards(s.kestra).ops).toBe(OPS)
      expect(deployed(result.summary, 'ops')).toBe('created')
    })
  })

  it('an update Kestra answers with another dashboard than was sent is a failed write, named (docs/guarantees.md#what-kestra-keeps)', async () => {
    await onDashStage({ base: BASE, change: CHANGE }, async (s) => {
      s.kestra.inject(
        rewrittenAnswer(
          'dashboards.update',
          'sourceCode',
          (text) => `${text}description: rewritten\n`
        )
      )
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      expect(deployed(result.summary, 'sales')).toBe('failed')
      expect(deployed(result.summary, 'ops')).toBe('created')
      expect(result.summary).toContain(
        'Kestra took the write but reads back another dashboard than was sent'
      )
    })
  })

  it('a dashboard another client created between the check and the create: unchanged when it is ours, else a conflict', async () => {
    for (const [theirs, verdict] of [
      [OPS, 'unchanged'],
      [dashboard('ops', 'Theirs'), 'conflict']
    ] as const) {
      await onDashStage({ base: BASE, change: CHANGE }, async (s) => {
        s.kestra.onRequest((request) => {
          if (request.route === 'dashboards.create')
            s.kestra.seed({ dashboards: [{ source: theirs }] })
        })
        const result = await pushRun(s)
        expect(deployed(result.summary, 'ops'), theirs).toBe(verdict)
        expect(result.exitCode).toBe(verdict === 'conflict' ? 1 : 0)
        expect(liveDashboards(s.kestra).ops).toBe(theirs)
      })
    }
  })
})

describe('dashboards rolled back', () => {
  it('after a failed smoke run: the updated one gets its previous source back, the created one is deleted, the deleted one re-created', async () => {
    const base = { ...BASE, 'dashboards/legacy.yml': LEGACY }
    const change = {
      ...CHANGE,
      [`${NS}/flows/hello.yml`]: HELLO_V2,
      'dashboards/legacy.yml': null
    }
    await onDashStage({ base, change }, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 50 })
      const before = liveDashboards(s.kestra)
      let smokeAt = -1
      s.kestra.onRequest((request) => {
        if (request.route === 'executions.create') smokeAt = s.kestra.requests.length
      })
      const result = await pushRun(s, {
        delete: 'true',
        rollback: 'true',
        'smoke-flows': `${NS}.hello`
      })
      expect(result.exitCode).toBe(1)
      expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'true' })
      expect(liveDashboards(s.kestra)).toEqual(before)
      for (const [id, did] of [
        ['sales', 'updated'],
        ['ops', 'created'],
        ['legacy', 'deleted']
      ]) {
        expect(cell(result.summary, id!, 'Deploy did'), id).toBe(did)
        expect(cell(result.summary, id!, 'Rollback'), id).toBe('restored')
      }
      const restores = s.kestra.requests.slice(smokeAt)
      expect(restores.filter((r) => r.route === 'dashboards.update').map((r) => r.text)).toEqual([
        SALES
      ])
      expect(restores.filter((r) => r.route === 'dashboards.create').map((r) => r.text)).toEqual([
        LEGACY
      ])
      expect(
        restores.filter((r) => r.route === 'dashboards.delete').map((r) => r.params.id)
      ).toEqual(['ops'])
    })
  })
})

describe('dashboards in the CLI', () => {
  it("the text plan shows them under their own heading, as the comment does, never an empty namespace's", async () => {
    await onDashStage({ base: BASE, change: CHANGE }, async (s) => {
      s.repo.git('checkout', '-q', s.head)
      const result = await runCli(s.repo.dir, ['plan'], {
        KESTRA_URL: s.kestra.url,
        KESTRA_USERNAME: CREDENTIALS.username,
        KESTRA_PASSWORD: CREDENTIALS.password
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const lines = result.stdout.split('\n')
      const heading = lines.indexOf('Dashboards')
      expect(heading, result.stdout).toBeGreaterThanOrEqual(0)
      const group = lines.slice(heading + 1, lines.indexOf('', heading))
      expect(group.filter((line) => /^ {2}\S/.test(line))).toEqual([
        expect.stringMatching(/^ {2}\+ create dashboard ops\b/),
        expect.stringMatching(/^ {2}~ update dashboard sales\b/),
        expect.stringMatching(/^ {2}1 unchanged$/)
      ])
      expect(lines.filter((line) => /^Namespace\s*$/.test(line))).toEqual([])
    })
  })
})

describe('dashboards with a namespace prefix', () => {
  it('a prefixed deploy and a preview leave the tenant-wide dashboards alone, with one notice', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change }, async (s) => {
      const before = liveDashboards(s.kestra)
      const staged = await pushRun(s, { 'namespace-prefix': 'staging', delete: 'true' })
      expect(staged.exitCode, staged.stdout + staged.stderr).toBe(0)
      const notices = staged.annotations.filter((a) => a.title?.includes('dashboards-prefixed'))
      expect(notices, JSON.stringify(staged.annotations)).toHaveLength(1)
      expect(notices[0]!.message).toContain('namespace-prefix staging')
      expect(plannedDashboards(staged)).toEqual([])
      expect(
        s.kestra.snapshot().flows.find((f) => f.namespace === `staging.${NS}` && f.id === 'hello')
      ).toBeDefined()

      s.github.seedFromRepository(s.repo.dir) // a deployment names a commit GitHub holds
      s.github.seedPull({
        number: PR,
        head: { ref: 'feature', sha: s.head },
        base: { ref: 'main', sha: s.base }
      })
      const preview = await planRun(s, { preview: 'true' })
      expect(preview.exitCode, preview.stdout + preview.stderr).toBe(0)
      expect(sectionOf(s.github.comments(PR)[0]!.body, HEADING)).toContain('sales')
      expect(
        s.kestra.snapshot().flows.find((f) => f.namespace === `pr-${PR}.${NS}` && f.id === 'hello')
      ).toBeDefined()
      expect(dashboardRequests(s.kestra).map((r) => r.route)).not.toContain('dashboards.update')
      expect(liveDashboards(s.kestra)).toEqual(before)
    })
  })
})

describe('dashboards the repository does not hold', () => {
  for (const holds of [true, false]) {
    for (const del of [false, true]) {
      it(`${holds ? 'with' : 'without'} a repository dashboard, delete: ${del}`, async () => {
        const base = {
          [`${NS}/flows/hello.yml`]: HELLO,
          ...(holds ? { 'dashboards/same.yml': SAME } : {})
        }
        await onDashStage(
          { base, change: { 'README.md': 'docs\n' }, seed: WITH_LEGACY },
          async (s) => {
            const result = await pushRun(s, { delete: String(del) })
            expect(result.exitCode, result.stdout).toBe(0)
            const section = sectionOf(result.summary, HEADING)
            if (!holds) {
              // A repository that never held a dashboard does not manage them: not read, not shown.
              expect(dashboardRequests(s.kestra)).toEqual([])
              expect(result.summary).not.toContain(HEADING)
              expect(liveDashboards(s.kestra).legacy).toBe(LEGACY)
              expect(result.outputs).toMatchObject({ deleted: '0', orphaned: '0' })
            } else if (del) {
              expect(liveDashboards(s.kestra)).not.toHaveProperty('legacy')
              expect(s.kestra.snapshot().dashboards).toContainEqual(
                expect.objectContaining({ id: 'legacy', deleted: true })
              )
              expect(section).toContain('🔴 delete dashboard <b>legacy</b>')
              expect(deployed(result.summary, 'legacy')).toBe('deleted')
              expect(result.outputs).toMatchObject({ deleted: '1', orphaned: '0' })
            } else {
              expect(liveDashboards(s.kestra).legacy).toBe(LEGACY)
              const why = 'kept because <code>delete</code> is false'
              // Made outside Git, as the push's base commit says: drift.
              expect(section).toContain(`⚪ orphaned dashboard <b>legacy</b> · ⚠️ drifted · ${why}`)
              expect(result.outputs).toMatchObject({ deleted: '0', orphaned: '1' })
            }
          }
        )
      })
    }
  }

  it('a push that removes the last dashboard file keeps every dashboard, even with delete: true, and says why', async () => {
    const base = { [`${NS}/flows/hello.yml`]: HELLO, 'dashboards/same.yml': SAME }
    await onDashStage({ base, change: { 'dashboards/same.yml': null } }, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout).toBe(0)
      expect(liveDashboards(s.kestra)).toEqual({ same: SAME })
      expect(sectionOf(result.summary, HEADING)).toContain(
        '⚪ orphaned dashboard <b>same</b> · kept because the repository holds no dashboard'
      )
      expect(result.outputs).toMatchObject({ deleted: '0', orphaned: '1' })
    })
  })

  it('counts dashboard deletions in max-deletions with the flows', async () => {
    const base = {
      [`${NS}/flows/hello.yml`]: HELLO,
      [`${NS}/flows/old.yml`]: flow(NS, 'old'),
      'dashboards/same.yml': SAME
    }
    const change = { [`${NS}/flows/old.yml`]: null }
    await onDashStage({ base, change, seed: WITH_LEGACY }, async (s) => {
      const refused = await pushRun(s, { delete: 'true', 'max-deletions': '1' })
      expect(refused.exitCode).toBe(1)
      expect(failureText(refused)).toContain(
        'The plan deletes 2 resources, more than max-deletions (1)'
      )
      expect(writes(s.kestra)).toEqual([])
      const allowed = await pushRun(s, { delete: 'true', 'max-deletions': '2' })
      expect(allowed.exitCode, allowed.stdout).toBe(0)
      expect(liveDashboards(s.kestra)).toEqual({ same: SAME })
    })
  })
})

describe('servers that cannot manage dashboards', () => {
  const servers = [
    { label: 'OSS 1.2.5 (no dashboards API)', emulator: { version: '1.2.5' } },
    { label: 'OSS 0.20.7 (legacy routes, no API)', emulator: { version: '0.20.7' } },
    {
      label: 'a 1.3 patch whose backend does not serve them (404 route miss)',
      emulator: { version: '1.3.2', boundaries: { ossDashboards: '1.3.9' } }
    },
    {
      label: 'EE 0.24.5 (assigns dashboard ids itself)',
      emulator: { version: '0.24.5', edition: 'EE' as const }
    }
  ]
  for (const { label, emulator } of servers) {
    it(`${label}: one notice, no dashboard planned or written, flows deployed as usual`, async () => {
      const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
      await onDashStage({ base: BASE, change, emulator }, async (s) => {
        for (const result of [await planRun(s), await pushRun(s)]) {
          expect(result.exitCode, result.stdout + result.stderr).toBe(0)
          const notices = result.annotations.filter(
            (a) => a.severity === 'notice' && /dashboard/i.test(a.message)
          )
          expect(notices, JSON.stringify(result.annotations)).toHaveLength(1)
          expect(notices[0]!.message).toMatch(/not planned/)
          expect(plannedDashboards(result)).toEqual([])
        }
        const routes = dashboardRequests(s.kestra).map((r) => r.route)
        expect(routes.filter((r) => r !== 'dashboards.list')).toEqual([])
        expect(routes.length).toBeLessThanOrEqual(2) // at most the listing, once per run
        expect(s.kestra.snapshot().flows.find((f) => f.id === 'hello')!.source).toBe(HELLO_V2)
      })
    })
  }
})

describe('Kestra 2.0, whose open-source edition keeps no dashboards (docs/dashboards.md#kestra-20)', () => {
  const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
  const WARNING =
    /^Dashboards are not deployed: Kestra 2\.0\.0 OSS keeps no dashboards \(Kestra 2\.0 moved their create, update and delete to the Enterprise Edition\), so the repository's 3 dashboard\(s\) are left out: ops, same, sales\. Every other kind is planned and deployed/

  it('OSS 2.0.0: validate, plan and deploy every other kind; one warning naming the dashboards and the edition; no dashboard request', async () => {
    await onDashStage({ base: BASE, change, emulator: { version: '2.0.0' } }, async (s) => {
      const validate = await planRun(s, { mode: 'validate' })
      const plan = await planRun(s)
      const deploy = await pushRun(s)
      for (const result of [validate, plan, deploy]) {
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        const said = result.annotations.filter((a) => /dashboard/i.test(a.message))
        expect(said, result.outputs.mode + result.stdout).toEqual([
          expect.objectContaining({
            severity: 'warning',
            file: 'dashboards/ops.yml',
            message: expect.stringMatching(WARNING)
          })
        ])
      }
      expect(plannedDashboards(plan)).toEqual([])
      expect(plannedDashboards(deploy)).toEqual([])
      expect(dashboardRequests(s.kestra)).toEqual([])
      expect(s.kestra.snapshot().flows.find((f) => f.id === 'hello')!.source).toBe(HELLO_V2)
    })
  })

  it('the emulator answers as open-source 2.0: an empty listing, and 405 to a write', async () => {
    await onDashStage({ base: BASE, change, emulator: { version: '2.0.0' } }, async (s) => {
      const auth = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`
      const at = `${s.kestra.url}/api/v1/main/dashboards`
      const listed = await fetch(at, { headers: { authorization: auth } })
      expect([listed.status, await listed.json()]).toEqual([200, { results: [], total: 0 }])
      const yaml = { authorization: auth, 'content-type': 'application/x-yaml' }
      for (const [method, url] of [
        ['POST', at],
        ['PUT', `${at}/ops`],
        ['DELETE', `${at}/ops`]
      ] as const) {
        const answer = await fetch(url, {
          method,
          headers: yaml,
          body: method === 'DELETE' ? undefined : OPS
        })
        expect(answer.status, `${method} ${url}`).toBe(405)
      }
    })
  })

  it('EE 2.0.0: dashboards are planned and deployed', async () => {
    await onDashStage(
      { base: BASE, change, emulator: { version: '2.0.0', edition: 'EE' } },
      async (s) => {
        const deploy = await pushRun(s)
        expect(deploy.exitCode, deploy.stdout + deploy.stderr).toBe(0)
        expect(liveDashboards(s.kestra)).toMatchObject({ ops: OPS, sales: SALES_V2 })
      }
    )
  })
})

describe('upgrade readiness beyond flows (docs/upgrade.md#where-you-see-it)', () => {
  const NOTE =
    /^- Dashboards: Kestra 2\.0 keeps none on the open-source edition this server runs \(2\.0 moved their create, update and delete to the Enterprise Edition\), so the repository's 3 dashboard\(s\), &quot;ops&quot;, &quot;same&quot;, &quot;sales&quot;, would no longer be deployed\. Upgrade to the Enterprise Edition to keep them, or remove them from the repository\.$/m

  it("OSS 1.3: the comment and the summary say that an open-source 2.0 keeps none of the repository's dashboards", async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, emulator: { version: '1.3.31' } },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0)
        const comment = s.github.comments(PR)[0]!.body
        for (const text of [comment, plan.summary]) {
          expect(text).toContain(
            'Ready for Kestra 2.0? all 1 managed flow(s) would load; 1 note(s) beyond flows</summary>'
          )
          expect(text).toMatch(NOTE)
        }
        // A notice of the readiness section only: no annotation, no count, the plan as without it.
        expect(plan.annotations.filter((a) => /open-source edition/.test(a.message))).toEqual([])
        const without = await planRun(s, { 'upgrade-check': 'off' })
        expect(without.outputs['plan-fingerprint']).toBe(plan.outputs['plan-fingerprint'])
      }
    )
  })

  it('EE 1.3, and a repository without dashboards: no such note', async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, emulator: { version: '1.3.31', edition: 'EE' } },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.summary).toContain(
          'Ready for Kestra 2.0? all 1 managed flow(s) would load</summary>'
        )
        expect(plan.summary).not.toContain('Beyond flows')
      }
    )
    const flowsOnly = { [`${NS}/flows/hello.yml`]: HELLO }
    await onDashStage(
      {
        base: flowsOnly,
        change: { [`${NS}/flows/hello.yml`]: HELLO_V2 },
        emulator: { version: '1.3.31' }
      },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.summary).toContain(
          'Ready for Kestra 2.0? all 1 managed flow(s) would load</summary>'
        )
        expect(plan.summary).not.toContain('Beyond flows')
      }
    )
  })

  it("the CLI's upgrade-check prints it as a note against an open-source 1.3 server", async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, emulator: { version: '1.3.31' } },
      async (s) => {
        s.repo.git('checkout', '-q', 'feature')
        const run = await runCli(s.repo.dir, ['upgrade-check', '--server', s.kestra.url], {
          KESTRA_USERNAME: CREDENTIALS.username,
          KESTRA_PASSWORD: CREDENTIALS.password
        })
        expect(run.stdout).toContain(
          'note: Dashboards: Kestra 2.0 keeps none on the open-source edition this server runs'
        )
        expect(run.stdout).toContain('Ready for Kestra 2.0: all 1 flow(s) would load.')
        expect(run.exitCode).toBe(0)
      }
    )
  })
})

describe('servers from 1.0, where dashboard ids come from the YAML (docs/kestra.md#dashboards)', () => {
  for (const version of ['1.0.0', '1.1.4', '1.2.14']) {
    it(`EE ${version}: dashboards are planned and deployed, and a re-deploy writes nothing`, async () => {
      await onDashStage(
        { base: BASE, change: CHANGE, emulator: { version, edition: 'EE' } },
        async (s) => {
          const plan = await planRun(s)
          expect(plan.exitCode, plan.stdout).toBe(0)
          expect(plannedDashboards(plan)).toContainEqual({
            kind: 'dashboard',
            id: 'sales',
            action: 'update'
          })
          expect((await pushRun(s)).exitCode).toBe(0)
          expect(liveDashboards(s.kestra)).toMatchObject({ ops: OPS, sales: SALES_V2 })
          s.kestra.clearLog()
          expect((await pushRun(s)).exitCode).toBe(0)
          expect(writes(s.kestra)).toEqual([])
        }
      )
    })
  }
})

describe('a 1.3 patch whose answers carry no dashboard source', () => {
  const OLD = { version: '1.3.2' }
  const window = 'timeWindow:\n  default: P7D\n'

  it('compares the fields it can, says so, diffs them, and a re-deploy writes nothing', async () => {
    await onDashStage({ base: BASE, change: CHANGE, emulator: OLD }, async (s) => {
      const plan = await planRun(s)
      expect(plan.exitCode, plan.stdout).toBe(0)
      const section = sectionOf(s.github.comments(PR)[0]!.body, HEADING)
      expect(section).toContain('compared by their fields')
      expect(section).toContain('🟡 update dashboard <b>sales</b>')
      expect(section).toContain('-title: Sales\n+title: Sales v2')
      expect(plannedDashboards(plan)).toContainEqual({
        kind: 'dashboard',
        id: 'same',
        action: 'unchanged'
      })
      expect((await pushRun(s)).exitCode).toBe(0)
      expect(liveDashboards(s.kestra)).toMatchObject({ ops: OPS, sales: SALES_V2 })
      s.kestra.clearLog()
      const again = await pushRun(s)
      expect(again.exitCode).toBe(0)
      expect(writes(s.kestra)).toEqual([])
    })
  })

  it('a rollback deletes the dashboard it created, and names the updated one it cannot put back: partial', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change, emulator: OLD }, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 50 })
      const result = await pushRun(s, { rollback: 'true', 'smoke-flows': `${NS}.hello` })
      expect(result.exitCode).toBe(1)
      expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'partial' })
      const live = liveDashboards(s.kestra)
      expect(live.ops).toBeUndefined()
      expect(live.sales).toBe(SALES_V2)
      expect(cell(result.summary, 'ops', 'Rollback')).toBe('restored')
      expect(cell(result.summary, 'sales', 'Rollback')).toBe('failed')
      expect(result.summary).toContain('its previous source is not known')
      expect(failureText(result)).toMatch(/sales/)
    })
  })

  it('never says unchanged when any field it can compare differs', async () => {
    const server = {
      title: dashboard('title', 'Title'),
      description: dashboard('description', 'D', 'description: before\n'),
      window: dashboard('window', 'W', window),
      type: dashboard('type', 'T'),
      chart: dashboard('chart', 'C'),
      comment: dashboard('comment', 'Comment')
    }
    const repository = {
      title: dashboard('title', 'Title v2'),
      description: dashboard('description', 'D', 'description: after\n'),
      window: dashboard('window', 'W', 'timeWindow:\n  default: P8D\n'),
      type: dashboard('type', 'T').replace(TIMESERIES, 'io.kestra.plugin.core.dashboard.chart.Bar'),
      chart: dashboard('chart', 'C').replace('executions_timeseries', 'executions_series'),
      // Only a comment and the key order differ: the fields are equal.
      comment: `# owned by the data team\ntitle: Comment\nid: comment\n${dashboard('comment', 'Comment').split('\n').slice(2).join('\n')}`
    }
    const files = (sources: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(sources).map(([id, text]) => [`dashboards/${id}.yml`, text])
      )
    await onDashStage(
      {
        base: { [`${NS}/flows/hello.yml`]: HELLO, ...files(server) },
        change: files(repository),
        emulator: OLD
      },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.exitCode, plan.stdout).toBe(0)
        const actions = Object.fromEntries(
          plannedDashboards(plan).map((d) => [d.id as string, d.action])
        )
        expect(actions).toEqual({
          title: 'update',
          description: 'update',
          window: 'update',
          type: 'update',
          chart: 'update',
          comment: 'unchanged'
        })
      }
    )
  })
})

describe('where dashboards are found', () => {
  const cases: {
    layout: string
    files: Record<string, string>
    inputs?: Record<string, string>
    expected: string[]
  }[] = [
    {
      layout:
        "tenant: dashboards/ and Kestra's TenantSync _global/dashboards/, .kestraignore honoured",
      files: {
        [`${NS}/flows/hello.yml`]: HELLO,
        'dashboards/a.yml': dashboard('a', 'A'),
        'dashboards/deep/b.yaml': dashboard('b', 'B'),
        '_global/dashboards/c.yml': dashboard('c', 'C'),
        'dashboards/draft.yml': dashboard('draft', 'Draft'),
        '.kestraignore': 'dashboards/draft.yml\n'
      },
      expected: ['a', 'b', 'c']
    },
    {
      layout: 'namespace: dashboards/ beside flows/ and files/',
      inputs: { namespace: NS },
      files: { 'flows/hello.yml': HELLO, 'dashboards/sub/a.yaml': dashboard('a', 'A') },
      expected: ['a']
    },
    {
      layout: 'anywhere: every YAML document with id, title and charts',
      files: {
        'src/hello.yml': HELLO,
        'monitoring/ops.yml': dashboard('ops', 'Ops'),
        'config/settings.yml': 'id: settings\ntitle: Not a dashboard\n'
      },
      expected: ['ops']
    },
    {
      layout: 'custom: dashboards/ under root, beside the flows globs',
      inputs: { layout: 'custom', flows: 'pipelines/**/*.yml' },
      files: {
        'pipelines/hello.yml': HELLO,
        'dashboards/a.yml': dashboard('a', 'A'),
        'elsewhere/b.yml': dashboard('b', 'B')
      },
      expected: ['a']
    }
  ]
  for (const { layout, files, inputs, expected } of cases) {
    it(layout, async () => {
      const kestra = await startEmulator({ basicAuth: CREDENTIALS, version: '1.3.25' })
      const github = await startFakeGitHub()
      try {
        const repo = createGitRepo(files)
        const result = await runAction({
          ...dispatchEvent(repo, repo.head()),
          githubApiUrl: github.url,
          inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan', ...inputs }
        })
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        expect(
          plannedDashboards(result)
            .map((d) => d.id)
            .sort()
        ).toEqual(expected)
        expect(plannedDashboards(result).every((d) => d.action === 'create')).toBe(true)
        expect(result.annotations.filter((a) => a.severity !== 'notice')).toEqual([])
      } finally {
        await kestra.close()
        await github.close()
      }
    })
  }
})

describe('dashboard ids Kestra allows but a URL or a comment would not', () => {
  it('encodes them in request paths and escapes them in the comment; one holding a `/` is kept and named', async () => {
    const hostile = 'evil<b><img src=x onerror=alert(1)>&?#%'
    const slashed = 'evil</b><img src=x onerror=alert(1)>'
    const spaced = 'Team KPIs'
    const base = {
      [`${NS}/flows/hello.yml`]: HELLO,
      'dashboards/kpis.yml': dashboard(spaced, 'KPIs')
    }
    const seed = {
      dashboards: [
        { id: hostile, source: 'title: Evil\n' },
        { id: slashed, source: 'title: Slashed\n' }
      ]
    }
    await onDashStage(
      { base, change: { 'dashboards/kpis.yml': dashboard(spaced, 'KPIs v2') }, seed },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.exitCode, plan.stdout).toBe(0)
        const section = sectionOf(s.github.comments(PR)[0]!.body, HEADING)
        expect(section).toContain(
          '⚪ orphaned dashboard <b>evil&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;</b>'
        )
        expect(section).not.toContain('<img')
        const result = await pushRun(s, { delete: 'true' })
        expect(result.exitCode, result.stdout).toBe(0)
        // Servers and proxies decode `%2F` before routing: that id is never addressed, and says so.
        expect(liveDashboards(s.kestra)).toEqual({
          [spaced]: dashboard(spaced, 'KPIs v2'),
          [slashed]: 'title: Slashed\n'
        })
        expect(result.annotations.some((a) => a.message.includes('cannot be addressed'))).toBe(true)
        expect(s.kestra.requests.some((r) => r.path.endsWith('/dashboards/Team%20KPIs'))).toBe(true)
        expect(
          s.kestra.requests.some((r) => r.route === 'dashboards.delete' && r.params.id === hostile)
        ).toBe(true)
      }
    )
  })
})

function byId(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return String(a.id) < String(b.id) ? -1 : 1
}
