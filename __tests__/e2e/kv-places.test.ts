/**
 * docs/kv.md#where-kv-files-are-found: kv files are found where teams keep them, with no configuration, as flows
 * and namespace files are: `kv/` at root, `kestra/kv/` beside `kestra/flows/`, `<namespace>/kv/` in the tenant
 * tree. The run's first lines say where; a kv file found and not read (a typo, a subfolder, a folder beside no
 * flow) is never silent. Through the bundled action against the emulator.
 */
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import { flow } from '../../test-support/scenario.js'
import { onDashStage, planRun, PR, pushRun } from './dashboards-stage.js'

const OPS = 'company.ops'
const DATA = 'company.data.finance'
const TEAM = 'company.team'

/** A data team's repository: flows in kestra/flows/<namespace>/. */
const KESTRA_TREE = {
  [`kestra/flows/${OPS}/healthcheck.yml`]: flow(OPS, 'healthcheck'),
  [`kestra/flows/${DATA}/invoices.yml`]: flow(DATA, 'invoices'),
  'README.md': '# flows\n'
}

function liveKv(kestra: Emulator, namespace: string): Record<string, unknown> {
  return Object.fromEntries(
    kestra
      .snapshot()
      .kv.filter((e) => e.namespace === namespace && !e.key.startsWith('kestra-gitops'))
      .map((e) => [e.key, e.value])
  )
}

function firstLines(result: RunResult): string[] {
  return result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::'))
    .slice(0, 4)
}

function kvAnnotations(result: RunResult) {
  return result.annotations
    .filter((a) => a.file !== undefined && (/kv|KV/.test(a.message) || a.file.includes('/kv/')))
    .map((a) => [a.severity, a.file, a.message])
}

describe('kv files found with no configuration', () => {
  it('kestra/kv/<namespace>.yml beside kestra/flows/: named in the first lines, planned and deployed', async () => {
    const base = { ...KESTRA_TREE }
    const change = {
      [`kestra/kv/${OPS}.yml`]: 'healthcheck_url: https://example.com/health\nretries: 3\n',
      // A parent of a namespace the flows declare.
      'kestra/kv/company.yml': 'region: eu-west-1\n'
    }
    await onDashStage({ base, change }, async (s) => {
      const planned = await planRun(s)
      expect(planned.exitCode, planned.stdout + planned.stderr).toBe(0)
      expect(firstLines(planned), planned.stdout.slice(0, 600)).toContain(
        `KV pairs: 'kestra/kv/' under root holds ${OPS}.yml, company.yml`
      )
      const body = s.github.comments(PR)[0]!.body
      expect(body).toContain(`🟢 create kv <b>${OPS}.healthcheck&#95;url</b>`)
      expect(body).toContain('🟢 create kv <b>company.region</b>')
      expect(planned.outputs).toMatchObject({ errors: '0' })

      const pushed = await pushRun(s)
      expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0)
      expect(liveKv(s.kestra, OPS)).toEqual({
        healthcheck_url: 'https://example.com/health',
        retries: 3
      })
      expect(liveKv(s.kestra, 'company')).toEqual({ region: 'eu-west-1' })
    })
  })

  it('<namespace>/kv/<namespace>.yml in the tenant tree, and kv/ at root beside it', async () => {
    const base = { [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello') }
    const change = {
      [`${TEAM}/kv/${TEAM}.yml`]: 'endpoint: https://api.example.com\n',
      [`kv/${OPS}.yml`]: 'owner: ops\n'
    }
    await onDashStage({ base, change }, async (s) => {
      const pushed = await pushRun(s)
      expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0)
      expect(firstLines(pushed)).toEqual(
        expect.arrayContaining([
          `KV pairs: '${TEAM}/kv/' under root holds ${TEAM}.yml`,
          `KV pairs: 'kv/' under root holds ${OPS}.yml`
        ])
      )
      expect(liveKv(s.kestra, TEAM)).toEqual({ endpoint: 'https://api.example.com' })
      expect(liveKv(s.kestra, OPS)).toEqual({ owner: 'ops' })
    })
  })

  it('a kv file removed with its folder has its keys orphaned, and deleted with delete', async () => {
    const base = { ...KESTRA_TREE, [`kestra/kv/${OPS}.yml`]: 'retries: 3\n' }
    const change = { [`kestra/kv/${OPS}.yml`]: null }
    const seed = { kv: [{ namespace: OPS, key: 'retries', value: 3 }] }
    await onDashStage({ base, change, seed }, async (s) => {
      const planned = await planRun(s)
      expect(planned.exitCode, planned.stdout + planned.stderr).toBe(0)
      expect(s.github.comments(PR)[0]!.body).toContain(`⚪ orphaned kv <b>${OPS}.retries</b>`)
      const pushed = await pushRun(s, { delete: 'true' })
      expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0)
      expect(liveKv(s.kestra, OPS)).toEqual({})
    })
  })
})

describe('kv files found and not read are never silent', () => {
  it('a typo, a file named after no namespace, a subfolder: errors; a folder beside no flow: a warning', async () => {
    const change = {
      // A typo of company.ops.
      'kestra/kv/compnay.ops.yml': 'retries: 3\n',
      'kestra/kv/company.ops/app.yml': 'retries: 4\n',
      [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello'),
      [`${TEAM}/kv/values.yml`]: 'x: 1\n',
      // Beside no flow: not read, said where its namespace's flows are declared.
      [`config/kv/${OPS}.yml`]: 'retries: 5\n',
      // Beside no flow and named after no namespace: not meant as KV, nothing said.
      'docs/kv/example.yml': 'a: 1\n'
    }
    await onDashStage({ base: KESTRA_TREE, change }, async (s) => {
      const pushed = await pushRun(s)
      expect(pushed.exitCode).toBe(1)
      expect(kvAnnotations(pushed)).toEqual([
        [
          'error',
          `${TEAM}/kv/values.yml`,
          `${TEAM}/kv/values.yml names namespace values, which no flow beside '${TEAM}/kv/' declares (they declare ${TEAM}), so it is not read: a kv file there is named after one of their namespaces or a parent of one`
        ],
        [
          'warning',
          `config/kv/${OPS}.yml`,
          `'config/kv/' is not read: a kv folder is read at root (kv/) or beside the flows (kestra/kv/ next to kestra/flows/, <namespace>/kv/), and no flow is beside it. Move ${OPS}.yml there`
        ],
        [
          'error',
          'kestra/kv/company.ops/app.yml',
          "kestra/kv/company.ops/app.yml is in a folder under 'kestra/kv/', so it is not read: a kv file sits in its kv folder, named after its namespace (kestra/kv/<namespace>.yml)"
        ],
        [
          'error',
          'kestra/kv/compnay.ops.yml',
          `kestra/kv/compnay.ops.yml names namespace compnay.ops, which no flow beside 'kestra/kv/' declares (they declare ${DATA}, ${OPS}), so it is not read: a kv file there is named after one of their namespaces or a parent of one (did you mean '${OPS}.yml'?)`
        ]
      ])
      expect(s.kestra.snapshot().kv).toEqual([])
    })
  })

  it('two kv files for one namespace in two folders: an error naming the first', async () => {
    const change = {
      [`kv/${OPS}.yml`]: 'retries: 3\n',
      [`kestra/kv/${OPS}.yml`]: 'retries: 4\n'
    }
    await onDashStage({ base: KESTRA_TREE, change }, async (s) => {
      const pushed = await pushRun(s)
      expect(pushed.exitCode).toBe(1)
      expect(kvAnnotations(pushed)).toEqual([
        [
          'error',
          `kv/${OPS}.yml`,
          `namespace ${OPS} already has its kv file kestra/kv/${OPS}.yml: keep its keys in one file`
        ]
      ])
    })
  })
})
