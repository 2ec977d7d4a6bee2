/**
 * Test suites as code (docs/tests.md), the fifth kind, end to end through the bundled action against the
 * Kestra emulator (its `P/tests` routes as the EE OpenAPI file documents `TestSuiteController`) and the
 * fake GitHub API: `tests/*.yml` planned with diffs and orphans, deployed with a compare right before each
 * write, re-deployed with no write, a race refused, rolled back after a failed smoke run, a deletion
 * called out; bad files refused on their line; an OSS server never asked for a suite.
 */
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import {
  HELLO,
  HELLO_V2,
  NS,
  onDashStage,
  planRun,
  PR,
  pushRun,
  writes
} from './dashboards-stage.js'
import { runAction } from '../../test-support/runner.js'
import { flow, pullRequestEvent } from '../../test-support/scenario.js'
import type { DashStageOptions } from './dashboards-stage.js'

const EE = { edition: 'EE' as const }

function suite(id: string, expected: string): string {
  return `id: ${id}
namespace: ${NS}
flowId: hello
testCases:
  - id: says_hello
    type: io.kestra.core.tests.flow.UnitTest
    assertions:
      - value: "{{ outputs.hello.value }}"
        equalTo: ${expected}
`
}

const SMOKE = suite('smoke', 'hi')
const SMOKE_V2 = suite('smoke', 'hello')
const FRESH = suite('fresh', 'hey')
const LEGACY = suite('legacy', 'old')
const UI_MADE = suite('ui_made', 'ui')

const BASE = {
  [`${NS}/flows/hello.yml`]: HELLO,
  'tests/smoke.yml': SMOKE,
  'tests/legacy.yml': LEGACY
}
const CHANGE = {
  'tests/smoke.yml': SMOKE_V2,
  'tests/team/fresh.yaml': FRESH,
  'tests/legacy.yml': null
}
const STAGE: DashStageOptions = {
  base: BASE,
  change: CHANGE,
  seed: { tests: [{ source: SMOKE }, { source: LEGACY }, { source: UI_MADE }] },
  emulator: EE
}

/** The live suites of the namespace: id → source. */
function live(kestra: Emulator): Record<string, string> {
  return Object.fromEntries(
    kestra
      .testSuites()
      .filter((s) => s.namespace === NS)
      .map((s) => [s.id, s.source])
  )
}

function suiteWrites(kestra: Emulator) {
  return kestra.requests.filter((r) =>
    ['tests.create', 'tests.update', 'tests.delete'].includes(r.route)
  )
}

describe('test suites on a pull request', () => {
  it('plans them with diffs, a suite only the server holds and one whose file is gone orphaned; writes nothing', async () => {
    await onDashStage(STAGE, async (s) => {
      const result = await planRun(s)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const body = s.github.comments(PR)[0]!.body
      expect(body).toContain('🟢 create test <b>company.team.fresh</b>')
      expect(body).toContain('🟡 update test <b>company.team.smoke</b>')
      expect(body).toContain('-        equalTo: hi\n+        equalTo: hello')
      expect(body).toContain('⚪ orphaned test <b>company.team.legacy</b>')
      expect(body).toContain('⚪ orphaned test <b>company.team.ui&#95;made</b>')
      const rows = result.summary.split('\n').filter((line) => /^\| Test suites \|/.test(line))
      expect(rows).toHaveLength(1)
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })

  it('calls a deletion out when delete is on, and still writes nothing', async () => {
    await onDashStage(STAGE, async (s) => {
      const result = await planRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const body = s.github.comments(PR)[0]!.body
      expect(body).toMatch(/1 to create, 1 to update, 2 to delete/)
      expect(body).toContain('🔴 delete test <b>company.team.legacy</b>')
      expect(body).toContain('-flowId: hello')
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })

  it('refuses a bad suite with errors on its lines, and a deploy of it writes nothing', async () => {
    const bad = `id: bad suite
namespace: ${NS}
testCases: []
`
    await onDashStage({ ...STAGE, change: { 'tests/bad.yml': bad } }, async (s) => {
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      const errors = result.annotations.filter(
        (a) => a.severity === 'error' && a.file === 'tests/bad.yml'
      )
      expect(errors.map((a) => `${a.line}: ${a.message}`).sort()).toEqual([
        '1: flowId is required',
        "1: id starts with a letter or digit, then letters, digits, '_' or '-'",
        '3: testCases lists at least one test case'
      ])
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })
})

describe('YAML under tests/ that is not a test suite', () => {
  it("a repository's own test descriptions and fixtures are skipped with one notice; the suites beside deploy", async () => {
    // As a real repository keeps them: its own test runner's descriptions, with a type and no testCases.
    const description = `id: hello_test
namespace: ${NS}
type: io.kestra.core.tests.Flow
flowId: hello
fixtures:
  inputs:
    name: world
`
    const change = {
      ...CHANGE,
      'tests/flow_tests/hello_test.yml': description,
      'tests/flow_tests/data/rows.yaml': 'rows:\n  - a: 1\n  - a: 2\n',
      'tests/flow_tests/empty.yml': ''
    }
    await onDashStage({ ...STAGE, change }, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const onThem = result.annotations.filter((a) => a.file?.startsWith('tests/flow_tests/'))
      expect(onThem).toEqual([
        expect.objectContaining({
          severity: 'notice',
          file: 'tests/flow_tests/data/rows.yaml',
          message:
            '3 YAML file(s) under tests/ are not Kestra test suites (a suite has flowId and testCases, and no top-level type) and were skipped: tests/flow_tests/data/rows.yaml, tests/flow_tests/empty.yml, tests/flow_tests/hello_test.yml'
        })
      ])
      expect(live(s.kestra)).toEqual({ smoke: SMOKE_V2, fresh: FRESH })
    })
  })
})

describe('test suites deployed', () => {
  it('deploys them compared right before each write, deletes the orphans with delete, and a re-run writes nothing', async () => {
    await onDashStage(STAGE, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(live(s.kestra)).toEqual({ smoke: SMOKE_V2, fresh: FRESH })
      const requests = s.kestra.requests.filter((r) => r.route.startsWith('tests.'))
      for (const write of suiteWrites(s.kestra)) {
        const id = write.params.id ?? (write.route === 'tests.create' ? 'fresh' : undefined)
        const same = requests.filter(
          (r) => r === write || (r.route === 'tests.get' && r.params.id === id)
        )
        expect(same[same.indexOf(write) - 1]?.route).toBe('tests.get')
      }
      s.kestra.clearLog()
      const again = await pushRun(s, { delete: 'true' })
      expect(again.exitCode, again.stdout + again.stderr).toBe(0)
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })

  it('a suite changed on the server since the plan is a conflict, never overwritten', async () => {
    const changed = suite('smoke', 'edited in the UI')
    await onDashStage(
      { ...STAGE, change: { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 } },
      async (s) => {
        // The flow is written before the suites: the UI edits the suite in between.
        s.kestra.onRequest((request) => {
          if (request.route === 'flows.update') s.kestra.seed({ tests: [{ source: changed }] })
        })
        const result = await pushRun(s)
        expect(result.exitCode).toBe(1)
        expect(live(s.kestra).smoke).toBe(changed)
        expect(live(s.kestra).fresh).toBe(FRESH)
        expect(result.summary).toContain(
          'test suite company.team.smoke was changed on the server since the plan'
        )
      }
    )
  })

  it('after a failed smoke run, every suite the deploy changed is back, the deleted one re-created', async () => {
    await onDashStage(
      { ...STAGE, change: { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 } },
      async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 50 })
        const before = live(s.kestra)
        const result = await pushRun(s, {
          delete: 'true',
          rollback: 'true',
          'smoke-flows': `${NS}.hello`
        })
        expect(result.exitCode).toBe(1)
        expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'true' })
        expect(live(s.kestra)).toEqual(before)
        for (const [id, did] of [
          ['smoke', 'updated'],
          ['fresh', 'created'],
          ['legacy', 'deleted'],
          ['ui&#95;made', 'deleted']
        ]) {
          expect(result.summary).toMatch(
            new RegExp(`\\| ${NS}\\.${id} \\| test \\| ${did} \\| restored \\|`)
          )
        }
      }
    )
  })
})

describe('the flow a suite tests', () => {
  /** A suite of `flowId` in company.team. */
  const testing = (id: string, flowId: string) =>
    suite(id, 'hi').replace('flowId: hello', `flowId: ${flowId}`)
  const FLOWS: DashStageOptions = {
    base: BASE,
    change: {
      // Nowhere: not in the repository, not on the server.
      'tests/ghost.yml': testing('ghost', 'ghost'),
      // Created by the same change.
      [`${NS}/flows/fresh_flow.yml`]: flow(NS, 'fresh_flow'),
      'tests/fresh_flow.yml': testing('fresh_flow', 'fresh_flow'),
      // Only on the server.
      'tests/server_only.yml': testing('server_only', 'server_only')
    },
    seed: { flows: [{ namespace: NS, id: 'server_only', source: flow(NS, 'server_only') }] },
    emulator: EE
  }
  const GHOST =
    'flowId ghost: no flow company.team.ghost in the repository nor on the server, and Kestra refuses a test suite whose flow does not exist in its namespace'

  it('a suite naming a flow that exists nowhere is an error on its flowId line; one the change creates or the server holds is not', async () => {
    await onDashStage(FLOWS, async (s) => {
      const result = await planRun(s)
      expect(result.exitCode).toBe(1)
      const found = result.annotations.filter((a) => /flowId \w+: no flow/.test(a.message))
      expect(found).toEqual([
        expect.objectContaining({
          severity: 'error',
          file: 'tests/ghost.yml',
          line: 3,
          message: expect.stringContaining(GHOST)
        })
      ])
      expect(s.github.comments(PR)[0]!.body).toContain('flowId ghost: no flow company.team.ghost')
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })

  it('a deploy writes no suite while one names a flow that exists nowhere', async () => {
    await onDashStage(FLOWS, async (s) => {
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      expect(result.annotations.map((a) => a.message)).toContainEqual(
        expect.stringContaining(GHOST)
      )
      expect(suiteWrites(s.kestra)).toEqual([])
    })
  })

  // The base's flow hello is removed while tests/legacy.yml and tests/smoke.yml, unchanged, still test it.
  const GONE: DashStageOptions = {
    base: { ...BASE, [`${NS}/flows/other.yml`]: flow(NS, 'other') },
    change: { [`${NS}/flows/hello.yml`]: null },
    emulator: EE
  }

  it('a deploy deleting the flow a kept suite tests writes nothing: an error on its flowId line', async () => {
    await onDashStage(GONE, async (s) => {
      const plan = await planRun(s, { delete: 'true' })
      expect(plan.exitCode).toBe(1)
      const found = plan.annotations.filter((a) => a.title?.includes('deletes-resource-in-use'))
      expect(found.map((a) => `${a.severity} ${a.file}:${a.line} ${a.message}`)).toEqual(
        ['legacy', 'smoke'].map((id) =>
          expect.stringMatching(
            new RegExp(
              `^error tests/${id}\\.yml:3 Test suite company\\.team\\.${id} tests flow company\\.team\\.hello, which this deploy deletes \\(delete: true\\)`
            )
          )
        )
      )
      expect(s.github.comments(PR)[0]!.body).toContain('Test suite company.team.smoke tests flow')
      const deploy = await pushRun(s, { delete: 'true' })
      expect(deploy.exitCode).toBe(1)
      expect(writes(s.kestra)).toEqual([])
    })
  })

  it('without delete, the flow is kept on the server: a warning, and the deploy goes on', async () => {
    await onDashStage(GONE, async (s) => {
      const deploy = await pushRun(s)
      expect(deploy.exitCode, deploy.stdout + deploy.stderr).toBe(0)
      const found = deploy.annotations.filter((a) => /^Test suite /.test(a.message))
      expect(found.map((a) => `${a.severity} ${a.file}:${a.line}`)).toEqual([
        'warning tests/legacy.yml:3',
        'warning tests/smoke.yml:3'
      ])
      expect(found[0]!.message).toContain('the server keeps it only because delete is false')
    })
  })

  it('without a server: a warning, since the server was not asked', async () => {
    await onDashStage(FLOWS, async (s) => {
      const result = await runAction({
        ...pullRequestEvent(s.repo, s.base, s.head, { number: PR }),
        githubApiUrl: s.github.url,
        inputs: { mode: 'validate' }
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const found = result.annotations.filter((a) => /flowId \w+: no flow/.test(a.message))
      expect(found.map((a) => `${a.severity} ${a.file}:${a.line} ${a.message}`)).toEqual([
        expect.stringMatching(
          /^warning tests\/ghost\.yml:3 flowId ghost: no flow company\.team\.ghost in the repository \(the server was not asked\)/
        ),
        expect.stringMatching(/^warning tests\/server_only\.yml:3 flowId server_only: /)
      ])
    })
  })
})

describe('test suites against an OSS server', () => {
  it('are checked, never asked for nor deployed, and said so once', async () => {
    await onDashStage({ ...STAGE, seed: {}, emulator: { edition: 'OSS' } }, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const notes = result.annotations.filter((a) => /Enterprise Edition/.test(a.message))
      expect(notes).toHaveLength(1)
      expect(notes[0]).toMatchObject({ severity: 'warning', file: 'tests/smoke.yml' })
      expect(s.kestra.requests.filter((r) => r.route.startsWith('tests.'))).toEqual([])
      expect(s.kestra.requests.filter((r) => r.route === 'unmatched')).toEqual([])
    })
  })
})
