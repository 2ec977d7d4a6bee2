/**
 * Namespace settings as code (docs/namespace-settings.md), end to end through the bundled action against the
 * Kestra emulator in Enterprise mode (its namespace routes as the client-sdk's kestra-ee.yml documents them) and
 * the fake GitHub API: `namespaces/<namespace>.yml` planned with diffs, deployed with the server's other fields
 * kept, re-deployed with no write, rolled back after a failed smoke run, refused on its lines, a secret-like
 * value in no output; against open-source Kestra a warning and nothing written.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import { HELLO, HELLO_V2, NS, onDashStage, planRun, PR, pushRun } from './dashboards-stage.js'

const EE = { edition: 'EE', version: '1.3.31' } as const
const FILE = `namespaces/${NS}.yml`
const OPS_FILE = 'namespaces/company.ops.yml'
const OLD_TOKEN = 'tok-OLD-5d1e7a93c2'
const NEW_TOKEN = 'tok-NEW-0b6f4c28e9'

const BASE_SETTINGS = `description: The team
variables:
  region: eu-west-1
  api_token: ${OLD_TOKEN}
`
const HEAD_SETTINGS = `variables:
  api_token: ${NEW_TOKEN}
  region: us-east-1
description: The team
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: INFO
`
const OPS_SETTINGS = 'description: Operations\n'
const READINESS_NOTE =
  /^- Namespace settings: Kestra 2\.0's namespaces keep no plugin defaults \(its Enterprise API's Namespace has none since 2\.0\), nor do its flows, so the pluginDefaults of the repository's 1 settings file\(s\), &quot;namespaces\/company\.team\.yml&quot;, would no longer be deployed\. Before upgrading, set these values on the tasks themselves\.$/m
/** The server's entity: the base's settings, and a field no file manages. */
const SERVER_TEAM = {
  id: NS,
  description: 'The team',
  variables: { api_token: OLD_TOKEN, region: 'eu-west-1' },
  storageType: 's3'
}
const BASE = { [`${NS}/flows/hello.yml`]: HELLO, [FILE]: BASE_SETTINGS }
const CHANGE = { [FILE]: HEAD_SETTINGS, [OPS_FILE]: OPS_SETTINGS }

function namespaceWrites(kestra: Emulator) {
  return kestra.requests.filter((r) => /^namespaces\.(create|update|delete)$/.test(r.route))
}

function entity(kestra: Emulator, id: string) {
  return kestra.namespaces().find((n) => n.id === id)
}

function expectNoSecret(result: RunResult): void {
  const planFile = result.outputs['plan-file']
    ? readFileSync(result.outputs['plan-file'], 'utf8')
    : ''
  const seen = [result.everything, JSON.stringify(result.annotations), planFile].join('\n')
  for (const secret of [OLD_TOKEN, NEW_TOKEN]) expect(seen).not.toContain(secret)
}

describe('namespace settings on Kestra Enterprise', () => {
  it('plans an update and a create with diffs, a secret-like value hidden; writes nothing', async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        const result = await planRun(s)
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        const body = s.github.comments(PR)[0]!.body
        expect(body).toContain(`🟡 update namespace <b>${NS}.settings</b>`)
        expect(body).toContain('🟢 create namespace <b>company.ops.settings</b>')
        expect(body).toContain('\n-  region: eu-west-1\n')
        expect(body).toContain('\n+  region: us-east-1\n')
        expect(body).toContain('+  api_token: <hidden: secret-like key> (changed)')
        expect(body).toContain('+      level: INFO')
        expect(body).not.toContain('storageType')
        // Readiness beyond flows: 2.0's namespaces keep no plugin defaults; the file without any is not named.
        for (const text of [body, result.summary]) {
          expect(text).toContain('would load; 1 note(s) beyond flows</summary>')
          expect(text).toMatch(READINESS_NOTE)
        }
        expect(namespaceWrites(s.kestra)).toEqual([])
        expectNoSecret(result)
      }
    )
  })

  it('deploys them with the fields no file manages kept, and a re-run writes nothing', async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        const result = await pushRun(s)
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        expect(entity(s.kestra, NS)).toEqual({
          id: NS,
          deleted: false,
          storageType: 's3',
          description: 'The team',
          variables: { api_token: NEW_TOKEN, region: 'us-east-1' },
          pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', values: { level: 'INFO' } }]
        })
        expect(entity(s.kestra, 'company.ops')).toEqual({
          id: 'company.ops',
          deleted: false,
          description: 'Operations'
        })
        // Each write is preceded by its own read of that namespace.
        for (const write of namespaceWrites(s.kestra)) {
          const namespace =
            write.route === 'namespaces.create' ? 'company.ops' : write.params.namespace
          const before = s.kestra.requests
            .slice(0, s.kestra.requests.indexOf(write))
            .filter((r) => r.route.startsWith('namespaces.') && r.params.namespace === namespace)
          expect(before.at(-1)?.route).toBe('namespaces.get')
        }
        expectNoSecret(result)

        s.kestra.clearLog()
        const again = await pushRun(s)
        expect(again.exitCode).toBe(0)
        expect(namespaceWrites(s.kestra)).toEqual([])
      }
    )
  })

  it('after a failed smoke run, the updated settings are back and the created namespace is gone', async () => {
    const change = { ...CHANGE, [`${NS}/flows/hello.yml`]: HELLO_V2 }
    await onDashStage(
      { base: BASE, change, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 50 })
        const result = await pushRun(s, { rollback: 'true', 'smoke-flows': `${NS}.hello` })
        expect(result.exitCode).toBe(1)
        expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'true' })
        // The previous settings, an absent list put back empty: the same to Kestra.
        expect(entity(s.kestra, NS)).toEqual({ ...SERVER_TEAM, deleted: false, pluginDefaults: [] })
        expect(entity(s.kestra, 'company.ops')).toBeUndefined()
        expect(result.summary).toMatch(
          /\| company\.team settings \| namespace \| updated \| restored \|/
        )
        expect(result.summary).toMatch(
          /\| company\.ops settings \| namespace \| created \| restored \|/
        )
        expectNoSecret(result)
      }
    )
  })

  it('a namespace whose file is removed is orphaned and kept, even with delete', async () => {
    await onDashStage(
      { base: BASE, change: { [FILE]: null }, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        const result = await pushRun(s, { delete: 'true' })
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        expect(result.outputs).toMatchObject({ orphaned: '1', deleted: '0' })
        expect(entity(s.kestra, NS)).toEqual({ ...SERVER_TEAM, deleted: false })
        expect(namespaceWrites(s.kestra)).toEqual([])
      }
    )
  })

  it('refuses a bad settings file with errors on its lines, and a deploy of it writes nothing', async () => {
    const bad = `description: ok
varibles:
  a: 1
pluginDefaults:
  - values: {}
`
    await onDashStage(
      { base: BASE, change: { [FILE]: bad }, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        const result = await pushRun(s)
        expect(result.exitCode).toBe(1)
        const errors = result.annotations.filter((a) => a.severity === 'error' && a.file === FILE)
        expect(errors.map((a) => a.line)).toEqual([2, 5])
        expect(errors[0]!.message).toContain("did you mean 'variables'?")
        expect(errors[1]!.message).toContain('needs its type')
        expect(namespaceWrites(s.kestra)).toEqual([])
      }
    )
  })
})

describe('namespace settings on Kestra Enterprise 2.0, whose namespaces keep no plugin defaults', () => {
  it('warns on the pluginDefaults line, with a fix 2.0 accepts, and deploys the other fields', async () => {
    await onDashStage(
      {
        base: BASE,
        change: CHANGE,
        seed: { namespaces: [SERVER_TEAM] },
        emulator: { edition: 'EE', version: '2.0.0' }
      },
      async (s) => {
        const result = await pushRun(s)
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        const warning = result.annotations.find((a) => a.severity === 'warning' && a.file === FILE)
        expect(warning).toMatchObject({ line: 5 })
        // Engine 2.0.0 refuses a flow's pluginDefaults (`Unrecognized field`): the fix is on the tasks.
        expect(warning!.message).toContain(
          "Kestra 2.0.0's namespaces keep no plugin defaults (its Enterprise API's Namespace has none since 2.0), nor do its flows: pluginDefaults is not deployed; set these values on the tasks themselves"
        )
        expect(entity(s.kestra, NS)).toEqual({
          id: NS,
          deleted: false,
          storageType: 's3',
          description: 'The team',
          variables: { api_token: NEW_TOKEN, region: 'us-east-1' }
        })
        expect(result.summary).not.toContain('Beyond flows')
        expectNoSecret(result)
      }
    )
  })
})

describe('what Kestra keeps of a settings write (docs/guarantees.md#what-kestra-keeps)', () => {
  it('a write Kestra took but reads back without a field is a failed write naming the field; a rollback leaves it', async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, seed: { namespaces: [SERVER_TEAM] }, emulator: EE },
      async (s) => {
        // Upgraded to 2.0 between the plan and the writes: 2.0's API ignores a Namespace's pluginDefaults.
        s.kestra.onRequest(({ route }) => {
          if (route === 'namespaces.update') s.kestra.upgrade('2.0.0')
        })
        const result = await pushRun(s, { rollback: 'true' })
        expect(result.exitCode).toBe(1)
        // The namespace the deploy created is gone again; the one Kestra kept otherwise is left, and said so.
        expect(result.outputs).toMatchObject({ 'rolled-back': 'partial' })
        expect(entity(s.kestra, 'company.ops')).toBeUndefined()
        expect(result.summary).toContain(
          'Kestra took the write but reads back pluginDefaults other than sent (a server that ignores fields it does not know keeps less)'
        )
        expect(result.summary).toContain(
          `**Not applied:** ${NS}.settings (failed: Kestra kept other than was sent).`
        )
        expect(result.summary).toContain(
          `A re-run writes ${NS}.settings again and Kestra would keep it otherwise again`
        )
        expect(result.everything).toContain(
          `Rollback: namespace ${NS}.settings stays as Kestra kept it: it read back other than was sent.`
        )
        expect(entity(s.kestra, NS)).toMatchObject({
          variables: { api_token: NEW_TOKEN, region: 'us-east-1' }
        })
        expect(entity(s.kestra, NS)).not.toHaveProperty('pluginDefaults')
        expectNoSecret(result)
      }
    )
  })
})

describe('namespace settings on open-source Kestra', () => {
  it('warns on the file’s first line that they are Enterprise-only, and writes nothing for them', async () => {
    await onDashStage(
      { base: BASE, change: CHANGE, emulator: { version: '1.3.31' } },
      async (s) => {
        const result = await pushRun(s)
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        const warnings = result.annotations.filter((a) => a.severity === 'warning')
        for (const file of [FILE, OPS_FILE]) {
          expect(warnings).toContainEqual(
            expect.objectContaining({
              file,
              line: 1,
              message: expect.stringContaining('Kestra Enterprise Edition feature') as string
            })
          )
        }
        expect(s.kestra.requests.filter((r) => r.route === 'namespaces.get')).toEqual([])
        expect(namespaceWrites(s.kestra)).toEqual([])
        expectNoSecret(result)
      }
    )
  })
})
