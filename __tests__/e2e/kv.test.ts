/**
 * KV pairs as code (docs/kv.md), end to end through the bundled action against the Kestra emulator (its KV
 * routes as Kestra's `KVController` answers them) and the fake GitHub API: `kv/<namespace>.yml` planned with
 * diffs and orphans, deployed with a compare right before each write, re-deployed with no write, rolled back
 * after a failed smoke run, drift brought back through the drift watch, bad files refused on their line,
 * and a secret-like key's value in no output at all.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import type { FakeGitHub } from '../../test-support/fake-github.js'
import { seedOf } from '../reliability/expected-state.js'
import { HELLO, HELLO_V2, NS, onDashStage, planRun, PR, pushRun } from './dashboards-stage.js'
import { blobText, branchTree, log, startDriftStage, type DriftStage } from './drift/stage.js'

const FILE = `kv/${NS}.yml`
const OLD_TOKEN = 'tok-OLD-7f3a9c2e51'
const NEW_TOKEN = 'tok-NEW-b84d0e6a17'
const UI_TOKEN = 'tok-UI-c2e9f14b3d'
const SECRETS = [OLD_TOKEN, NEW_TOKEN, UI_TOKEN]

const BASE_KV = `region: eu-west-1
retries: 3
api_token: ${OLD_TOKEN}
`
const HEAD_KV = `region: us-east-1
retries: 3
api_token: ${NEW_TOKEN}
limits:
  cpu: 2
  tags: [a, b]
`
const BASE = { [`${NS}/flows/hello.yml`]: HELLO, [FILE]: BASE_KV }
const SERVER_KV = [
  { namespace: NS, key: 'region', value: 'eu-west-1' },
  { namespace: NS, key: 'retries', value: 3 },
  { namespace: NS, key: 'api_token', value: OLD_TOKEN },
  { namespace: NS, key: 'legacy', value: 'kept' },
  // The action's own marker, as another repository's deploy left it.
  {
    namespace: NS,
    key: 'kestra-gitops-commit',
    value: { commit: 'f'.repeat(40), repository: 'acme/other' }
  }
]

/** The live KV pairs of a namespace, the action's own left out. */
function liveKv(kestra: Emulator, namespace = NS): Record<string, unknown> {
  return Object.fromEntries(
    kestra
      .snapshot()
      .kv.filter((e) => e.namespace === namespace && !e.key.startsWith('kestra-gitops'))
      .map((e) => [e.key, e.value])
  )
}

function kvWrites(kestra: Emulator) {
  return kestra.requests.filter((r) => r.route === 'kv.put' || r.route === 'kv.delete')
}

/** Every text the run and GitHub were shown, raw and base64 (blobs): no secret-like value may be there. */
function expectNoSecret(result: RunResult, github: FakeGitHub): void {
  const planFile = result.outputs['plan-file']
    ? readFileSync(result.outputs['plan-file'], 'utf8')
    : ''
  const seen = [
    result.everything,
    JSON.stringify(result.annotations),
    planFile,
    JSON.stringify(github.requests.map((r) => r.body))
  ].join('\n')
  for (const secret of SECRETS) {
    expect(seen).not.toContain(secret)
    expect(seen).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12))
  }
}

describe('KV pairs on a pull request', () => {
  it('plans them with diffs, the orphan kept, the action’s own keys untouched, a secret-like value hidden; writes nothing', async () => {
    const change = { [FILE]: HEAD_KV }
    await onDashStage({ base: BASE, change, seed: { kv: SERVER_KV } }, async (s) => {
      const result = await planRun(s)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const body = s.github.comments(PR)[0]!.body
      expect(body).toMatch(
        /^### Kestra plan: 1 to create, 2 to update, 0 to delete, 2 unchanged, 1 orphaned, 1 drifted$/m
      )
      expect(body).toContain('🟢 create kv <b>company.team.limits</b>')
      expect(body).toContain('🟡 update kv <b>company.team.region</b>')
      expect(body).toContain('-region: eu-west-1\n+region: us-east-1')
      expect(body).toContain('⚪ orphaned kv <b>company.team.legacy</b>')
      expect(body).toMatch(/update kv <b>company\.team\.api&#95;token<\/b>.*secret-like key/)
      expect(body).toContain('+api_token: <hidden: secret-like key> (changed)')
      expect(body).not.toContain('kestra-gitops-commit')
      expect(result.outputs).toMatchObject({ created: '1', updated: '2', orphaned: '1' })
      // The job summary's counts table has a row of their own, and its rows add up to the total.
      const rows = result.summary
        .split('\n')
        .filter((line) => /^\| [^|]+ \| \d/.test(line))
        .map((line) => line.split('|').map((cell) => cell.trim()))
      expect(rows.map((cells) => cells[1])).toEqual(['Flows', 'KV pairs', '**Total**'])
      expect(rows[1]!.slice(2, 6)).toEqual(['1', '2', '0', '1'])
      for (let column = 2; column <= 7; column++) {
        expect(Number(rows[0]![column]) + Number(rows[1]![column])).toBe(Number(rows[2]![column]))
      }
      const planFile = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
        resources: Record<string, unknown>[]
      }
      expect(planFile.resources.filter((r) => r.kind === 'kv').map((r) => r.key)).toEqual([
        'api_token',
        'legacy',
        'limits',
        'region',
        'retries'
      ])
      expect(kvWrites(s.kestra)).toEqual([])
      expectNoSecret(result, s.github)
    })
  })

  it('refuses a bad kv file with errors on its lines, and a deploy of it writes nothing', async () => {
    const bad = `region: us-east-1
kestra-gitops-commit: mine
empty:
"bad key!": 1
big: 12345678901234567890
`
    await onDashStage(
      { base: BASE, change: { [FILE]: bad }, seed: { kv: SERVER_KV } },
      async (s) => {
        const result = await pushRun(s)
        expect(result.exitCode).toBe(1)
        const errors = result.annotations.filter((a) => a.severity === 'error' && a.file === FILE)
        expect(errors.map((a) => a.line)).toEqual([2, 3, 4, 5])
        expect(errors[0]!.message).toContain('the action')
        expect(errors[1]!.message).toContain('empty value')
        expect(errors[2]!.message).toContain('refused by Kestra')
        expect(errors[3]!.message).toContain('too large')
        expect(kvWrites(s.kestra)).toEqual([])
      }
    )
  })
})

describe('KV pairs deployed', () => {
  it('deploys them compared right before each write, deletes the orphan with delete, and a re-run writes nothing', async () => {
    const change = { [FILE]: HEAD_KV }
    await onDashStage({ base: BASE, change, seed: { kv: SERVER_KV } }, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(liveKv(s.kestra)).toEqual({
        region: 'us-east-1',
        retries: 3,
        api_token: NEW_TOKEN,
        limits: { cpu: 2, tags: ['a', 'b'] }
      })
      const own = s.kestra.snapshot().kv.filter((e) => e.key.startsWith('kestra-gitops'))
      expect(own.map((e) => e.key)).toContain('kestra-gitops-commit')
      // Each write is preceded by its own read of that key.
      const requests = s.kestra.requests.filter((r) => r.route.startsWith('kv.'))
      for (const write of kvWrites(s.kestra)) {
        const sameKey = requests.filter((r) => r.params.key === write.params.key)
        expect(sameKey[sameKey.indexOf(write) - 1]?.route).toBe('kv.get')
      }
      expectNoSecret(result, s.github)

      s.kestra.clearLog()
      const again = await pushRun(s, { delete: 'true' })
      expect(again.exitCode).toBe(0)
      expect(kvWrites(s.kestra)).toEqual([])
    })
  })

  it('a namespace that only a kv file holds is managed: with delete, its key the file lacks is deleted as the plan said', async () => {
    const OPS_FILE = 'kv/company.ops.yml'
    const base = { [`${NS}/flows/hello.yml`]: HELLO, [OPS_FILE]: 'region: eu-west-1\n' }
    const change = { [OPS_FILE]: 'region: us-east-1\n' }
    const seed = {
      kv: [
        { namespace: 'company.ops', key: 'region', value: 'eu-west-1' },
        { namespace: 'company.ops', key: 'extra', value: 'made in the UI' }
      ]
    }
    await onDashStage({ base, change, seed }, async (s) => {
      const result = await pushRun(s, { delete: 'true' })
      // It was refused as "not in a namespace this repository manages", after the plan had shown the deletion.
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toContain('kv company.ops.extra: deleted')
      expect(liveKv(s.kestra, 'company.ops')).toEqual({ region: 'us-east-1' })
    })
  })

  it("a secret-like key's failed write names its status, never the server's answer, even one echoing the value", async () => {
    await onDashStage(
      { base: BASE, change: { [FILE]: HEAD_KV }, seed: { kv: SERVER_KV } },
      async (s) => {
        s.kestra.inject({
          route: 'kv.put',
          where: (request) => request.params.key === 'api_token',
          status: 422,
          body: { message: `Illegal argument: Invalid JSON value for: "${NEW_TOKEN}"` }
        })
        const result = await pushRun(s)
        expect(result.exitCode).toBe(1)
        expect(result.summary).toContain('the request failed (HTTP 422); its answer is not shown')
        expect(liveKv(s.kestra).region).toBe('us-east-1')
        expectNoSecret(result, s.github)
      }
    )
  })

  it("a secret-like key's write refused as too large says to raise the limit before a re-run, never the value", async () => {
    await onDashStage(
      { base: BASE, change: { [FILE]: HEAD_KV }, seed: { kv: SERVER_KV } },
      async (s) => {
        s.kestra.inject({
          route: 'kv.put',
          where: (request) => request.params.key === 'api_token',
          status: 413,
          body: '<html><head><title>413 Request Entity Too Large</title></head></html>'
        })
        const result = await pushRun(s)
        expect(result.exitCode).toBe(1)
        const shown = result.summary.replace(/&#(\d+);/g, (_, code: string) =>
          String.fromCodePoint(+code)
        )
        expect(shown).toContain('the request failed (HTTP 413); its answer is not shown')
        expect(shown).toMatch(
          /api_token was refused as too large, and a re-run is refused again until the limit is raised: raise the proxy's request body limit/
        )
        const error = result.annotations.find((a) => a.severity === 'error')
        expect(error?.message).toMatch(
          /api_token was refused as too large.*Then re-run the workflow/
        )
        expectNoSecret(result, s.github)
      }
    )
  })

  it('a key changed on the server since the plan is a conflict, never overwritten', async () => {
    const change = { [FILE]: HEAD_KV, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change, seed: { kv: SERVER_KV } }, async (s) => {
      // The flow is written before the KV pairs: the UI edits region in between.
      s.kestra.onRequest((request) => {
        if (request.route === 'flows.update') {
          s.kestra.seed({ kv: [{ namespace: NS, key: 'region', value: 'ap-south-1' }] })
        }
      })
      const result = await pushRun(s)
      expect(result.exitCode).toBe(1)
      expect(liveKv(s.kestra).region).toBe('ap-south-1')
      expect(result.summary).toContain(
        'KV pair company.team:region was changed on the server since the plan'
      )
    })
  })

  it('after a failed smoke run, every KV pair the deploy changed is back, the deleted orphan re-created', async () => {
    const change = { [FILE]: HEAD_KV, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage({ base: BASE, change, seed: { kv: SERVER_KV } }, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 50 })
      const before = liveKv(s.kestra)
      const result = await pushRun(s, {
        delete: 'true',
        rollback: 'true',
        'smoke-flows': `${NS}.hello`
      })
      expect(result.exitCode).toBe(1)
      expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'true' })
      expect(liveKv(s.kestra)).toEqual(before)
      for (const [key, did] of [
        ['region', 'updated'],
        ['api_token', 'updated'],
        ['limits', 'created'],
        ['legacy', 'deleted']
      ]) {
        expect(result.summary).toMatch(
          new RegExp(`\\| ${NS}:${key.replace('_', '&#95;')} \\| kv \\| ${did} \\| restored \\|`)
        )
      }
      expect(s.kestra.snapshot().kv.filter((e) => e.key === 'kestra-gitops-rollback')).toEqual([])
      expectNoSecret(result, s.github)
    })
  })
})

describe('KV pairs drifted in Kestra', () => {
  let stage: DriftStage | undefined
  afterEach(async () => {
    await stage?.close()
    stage = undefined
  })

  it('names them in the issue and brings the server values back through the pull request, a secret-like value never', async () => {
    const tree = { ...BASE }
    stage = await startDriftStage({
      tree,
      seed: { ...seedOf(tree), kv: SERVER_KV.filter((e) => e.key !== 'legacy') },
      emulator: { version: '1.3.25' },
      github: { actionsCanCreatePullRequests: true }
    })
    await stage.ui.putKv(NS, 'region', 'eu-central-1')
    await stage.ui.putKv(NS, 'api_token', UI_TOKEN)
    await stage.ui.putKv(NS, 'made_in_ui', { on: true })
    await stage.ui.deleteKv(NS, 'retries')
    const result = await stage.drift({ 'drift-action': 'pull-request' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ drifted: '4' })
    expect(stage.kestraWrites()).toEqual([])
    const [issue] = stage.driftIssues()
    expect(issue!.body).toContain('company.team.region')
    expect(issue!.body).toContain('+region: eu-central-1')
    const after = branchTree(stage.github, 'kestra-gitops/drift-default')
    const text = blobText(stage.github, after.get(FILE)!)
    expect(text).toBe(`api_token: ${OLD_TOKEN}\nmade_in_ui:\n  on: true\nregion: eu-central-1\n`)
    expectNoSecretButRepository(result, stage.github)
  })

  // Regression: a plan with no event base (workflow_dispatch, the CLI) measured flows' and files' drift against the
  // commit the markers name, and KV's against nothing: a key edited in Kestra since the deploy read as a plain update.
  it('on a plan without an event base, are drift against the commit the markers name: edited, deleted and made in Kestra', async () => {
    const tree = { ...BASE }
    stage = await startDriftStage({
      tree,
      seed: { ...seedOf(tree), kv: SERVER_KV.filter((e) => e.key === 'region') },
      emulator: { version: '1.3.25' }
    })
    const deploy = await stage.dispatch({ mode: 'deploy' })
    expect(deploy.exitCode, log(deploy)).toBe(0)
    await stage.ui.putKv(NS, 'region', 'eu-central-1')
    await stage.ui.putKv(NS, 'made_in_ui', { on: true })
    await stage.ui.deleteKv(NS, 'retries')
    const result = await stage.dispatch({ mode: 'plan' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.summary).toContain('the commit Kestra was last deployed from (its commit marker)')
    expect(result.outputs).toMatchObject({
      updated: '1',
      created: '1',
      orphaned: '1',
      drifted: '3'
    })
    const planFile = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
      resources: { kind: string; key?: string; action: string; drifted?: boolean }[]
    }
    expect(planFile.resources.filter((r) => r.kind === 'kv' && r.action !== 'unchanged')).toEqual([
      expect.objectContaining({ key: 'made_in_ui', action: 'orphaned', drifted: true }),
      expect.objectContaining({ key: 'region', action: 'update', drifted: true }),
      expect.objectContaining({ key: 'retries', action: 'create', drifted: true })
    ])
    expect(stage.kestraWrites()).toEqual([])
  })
})

/** The repository's own secret-like value may go back into its file; the server's new one never. */
function expectNoSecretButRepository(result: RunResult, github: FakeGitHub): void {
  const seen = [result.everything, JSON.stringify(github.requests.map((r) => r.body))].join('\n')
  expect(seen).not.toContain(UI_TOKEN)
  expect(seen).not.toContain(Buffer.from(UI_TOKEN).toString('base64').slice(0, 12))
  expect(result.everything).not.toContain(OLD_TOKEN)
}
