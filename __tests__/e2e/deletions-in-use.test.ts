/**
 * A deletion still in use (docs/impact.md#deleting-what-is-still-used), through the bundled action against
 * the emulator: the plan fails on the line of the `read()` or call that still uses what it deletes (or names
 * a server-only user), and a deploy writes nothing.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent, pushEvent } from '../../test-support/scenario.js'
import { LINK_SHAPES, type LinkShape } from '../resources/flows/flow-link-shapes.js'

const NS = 'company.team'
const ETL = `id: etl_orders\nnamespace: ${NS}\ntasks:\n  - id: query\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('/sql/orders.sql') }}"\n`
const LEGACY = ETL.replace('etl_orders', 'legacy_report')
const REPO = {
  [`${NS}/flows/etl_orders.yml`]: ETL,
  [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
  [`${NS}/files/sql/orders.sql`]: 'select * from orders;\n'
}

let kestra: Emulator
let github: FakeGitHub

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/** The server holds the repository's state (and `serverOnly` flows); `after` is the change. */
async function change(
  after: Record<string, string | null>,
  event: 'pull_request' | 'push',
  inputs: Record<string, string>,
  serverOnly: { id: string; source: string; namespace?: string }[] = [],
  emulator: Parameters<typeof startEmulator>[0] = {}
) {
  const seed = {
    flows: [
      { namespace: NS, id: 'etl_orders', source: ETL },
      { namespace: NS, id: 'hello', source: flow(NS, 'hello') },
      ...serverOnly.map((f) => ({ namespace: NS, ...f }))
    ],
    files: [{ namespace: NS, path: '/sql/orders.sql', content: 'select * from orders;\n' }]
  }
  return changeOf(REPO, seed, after, event, inputs, emulator)
}

/** A repository (`files`) and a server seeded with `seed`; `after` is the change, run with `delete: true`. */
async function changeOf(
  files: Record<string, string>,
  seed: Parameters<Emulator['seed']>[0],
  after: Record<string, string | null>,
  event: 'pull_request' | 'push',
  inputs: Record<string, string> = {},
  emulator: Parameters<typeof startEmulator>[0] = {}
) {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, ...emulator })
  github = await startFakeGitHub()
  kestra.seed(seed)
  const repo = createGitRepo(files)
  const base = repo.head()
  if (event === 'pull_request') repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit(after)
  const before = kestra.snapshot()
  kestra.clearLog()
  const result = await runAction({
    ...(event === 'pull_request'
      ? pullRequestEvent(repo, base, head)
      : pushEvent(repo, base, head)),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, delete: 'true', ...inputs }
  })
  const writes = kestra.requests.filter(
    (r) => r.method !== 'GET' && !/validate|export|search/.test(r.route)
  )
  return { result, comment: github.comments(7)[0]?.body ?? '', before, writes }
}

describe('deleting what a kept flow still uses', () => {
  it("fails the plan on the read()'s line, with a message that says what to do", async () => {
    const { result, comment } = await change(
      { [`${NS}/files/sql/orders.sql`]: null },
      'pull_request',
      {}
    )
    expect(result.exitCode).toBe(1)
    expect(result.outputs.errors).toBe('1')
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/etl_orders.yml`,
        line: 6,
        message: expect.stringContaining(
          "read('/sql/orders.sql') reads namespace file company.team:/sql/orders.sql, which this deploy deletes (delete: true), so this flow would fail when it runs. Keep the file in the repository, or remove this use first"
        )
      })
    )
    expect(comment).toContain('❌ **Validation failed**: 1 error')
    expect(comment).toContain(`${NS}/flows/etl_orders.yml#L6)`)
  })

  it('refuses the deploy before the first write', async () => {
    const { result, before, writes } = await change(
      { [`${NS}/files/sql/orders.sql`]: null, [`${NS}/flows/hello.yml`]: flow(NS, 'hello', '!') },
      'push',
      {}
    )
    expect(result.exitCode).toBe(1)
    expect(result.outputs.deployed).toBe('false')
    expect(result.stdout + result.stderr).toContain('Nothing was deployed: 1 validation error')
    expect(result.stdout + result.stderr).toContain(`${NS}/flows/etl_orders.yml:6`)
    expect(writes).toEqual([])
    expect(kestra.snapshot()).toEqual(before)
  })

  it('names a user that only the server holds', async () => {
    // scope: changed plans only what the change touched: the server-only flow is kept, and still reads the file.
    const { result, comment, writes } = await change(
      { [`${NS}/files/sql/orders.sql`]: null },
      'push',
      { scope: 'changed' },
      [{ id: 'legacy_report', source: LEGACY }]
    )
    expect(result.exitCode).toBe(1)
    expect(writes).toEqual([])
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining(
          'Flow company.team.legacy_report (only on the server) still uses namespace file company.team:/sql/orders.sql'
        )
      })
    )
    // And the repository user's line too.
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ severity: 'error', file: `${NS}/flows/etl_orders.yml`, line: 6 })
    )
    expect(comment).toBe('') // a push writes no plan comment of its own
  })

  it('a subflow call of a deleted flow fails the plan on the call', async () => {
    const parent = `id: parent\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: hello\n`
    const { result } = await change(
      { [`${NS}/flows/hello.yml`]: null, [`${NS}/flows/parent.yml`]: parent },
      'pull_request',
      {}
    )
    expect(result.exitCode).toBe(1)
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/parent.yml`,
        line: 4,
        message: expect.stringContaining(
          'Subflow calls flow company.team.hello, which this deploy deletes'
        )
      })
    )
  })

  it('deleting the user in the same change is no error', async () => {
    const { result, writes } = await change(
      { [`${NS}/files/sql/orders.sql`]: null, [`${NS}/flows/etl_orders.yml`]: null },
      'push',
      {}
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs.errors).toBe('0')
    expect(result.outputs.deleted).toBe('2')
    expect(writes.length).toBeGreaterThan(0)
    const after = kestra.snapshot()
    expect(after.files.filter((f) => f.namespace === NS)).toEqual([])
    expect(after.flows.filter((f) => f.namespace === NS && !f.deleted).map((f) => f.id)).toEqual([
      'hello'
    ])
  })

  /** A server-only flow of `namespace` that names company.team.hello in `shape`'s way. */
  const userOf = (shape: LinkShape, i: number, namespace: string) => {
    const yaml = shape.yaml(NS, 'hello', i)
    const log = ['  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi']
    const body =
      shape.via === 'flow-trigger' ? ['tasks:', ...log, 'triggers:', ...yaml] : ['tasks:', ...yaml]
    const id = `caller${i}`
    return {
      namespace,
      id,
      source: [`id: ${id}`, `namespace: ${namespace}`, ...body, ''].join('\n')
    }
  }

  it('every way a kept flow names a deleted flow fails the deploy, each user named, nothing written', async () => {
    const users = LINK_SHAPES.map((shape, i) => ({ shape, ...userOf(shape, i, NS) }))
    const { result, writes, before } = await change(
      { [`${NS}/flows/hello.yml`]: null },
      'push',
      { scope: 'changed' },
      users
    )
    expect(result.exitCode).toBe(1)
    expect(writes).toEqual([])
    expect(kestra.snapshot()).toEqual(before)
    // Every finding, as the plan file holds them (the annotations stop at GitHub's limit).
    const { findings } = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
      findings: { severity: string; message: string }[]
    }
    const named = (id: string) =>
      findings.some(
        (f) =>
          f.severity === 'error' &&
          f.message.includes(`Flow ${NS}.${id} (only on the server) still uses flow ${NS}.hello`)
      )
    for (const user of users)
      expect([user.shape.name, named(user.id)]).toEqual([user.shape.name, user.shape.names])
  })

  it('the plan shows each user of a deleted flow among its callers, whatever way it names it', async () => {
    const users = LINK_SHAPES.map((shape, i) => ({ shape, ...userOf(shape, i, NS) }))
    const { result, comment } = await change(
      { [`${NS}/flows/hello.yml`]: null },
      'pull_request',
      { scope: 'changed' },
      users
    )
    expect(result.exitCode).toBe(1)
    for (const user of users) {
      expect([user.shape.name, comment.includes(`${NS}.${user.id} (`)]).toEqual([
        user.shape.name,
        user.shape.names
      ])
    }
  })

  it("another team's Subflow call or Flow trigger, in a namespace the repository does not manage, fails the deploy: Kestra's own dependencies name it", async () => {
    const users = LINK_SHAPES.filter((shape) => shape.names).map((shape, i) => ({
      shape,
      ...userOf(shape, i, 'other.team')
    }))
    const { result, writes, before } = await change(
      { [`${NS}/flows/hello.yml`]: null },
      'push',
      {},
      users
    )
    expect(result.exitCode).toBe(1)
    expect(writes).toEqual([])
    expect(kestra.snapshot()).toEqual(before)
    const { findings } = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
      findings: { severity: string; message: string }[]
    }
    for (const user of users) {
      expect(findings).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          message: expect.stringContaining(
            `Flow other.team.${user.id} (only on the server) still uses flow ${NS}.hello`
          )
        })
      )
    }
    // One bounded read per deleted flow, and no read of the other team's namespace.
    const asked = kestra.requests.filter((r) => r.route === 'flows.dependencies')
    expect(asked.map((r) => r.path)).toEqual([
      expect.stringContaining(`/flows/${NS}/hello/dependencies`)
    ])
    expect(kestra.requests.filter((r) => r.path.includes('other.team'))).toEqual([])
  })

  it('a Kestra that cannot tell the dependencies: the plan says which namespaces were not searched', async () => {
    const { result } = await change(
      { [`${NS}/flows/hello.yml`]: null },
      'pull_request',
      {},
      [userOf(LINK_SHAPES[0]!, 0, 'other.team')],
      { missingEndpoints: ['flows.dependencies'] }
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining(
          `Flow ${NS}.hello is deleted, and flows outside the namespaces this repository manages (${NS}) were not searched for uses of it (this Kestra has no flow dependencies route)`
        )
      })
    )
  })
})

describe('deleting a KV key a kept flow still reads', () => {
  const READER = `id: greet\nnamespace: ${NS}\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "Region {{ kv('region') }}"\n`
  const KV_REPO = {
    [`${NS}/flows/greet.yml`]: READER,
    'kv/company.team.yml': 'region: eu-west-1\nretries: 3\n'
  }

  /** The server holds the repository's state (and `parentKv`, keys of namespace `company`); the change removes `region`. */
  const removeRegion = (event: 'pull_request' | 'push', parentKv: string[] = []) =>
    changeOf(
      KV_REPO,
      {
        flows: [{ namespace: NS, id: 'greet', source: READER }],
        kv: [
          { namespace: NS, key: 'region', value: 'eu-west-1' },
          { namespace: NS, key: 'retries', value: 3 },
          ...parentKv.map((key) => ({ namespace: 'company', key, value: 'us-east-1' }))
        ]
      },
      { 'kv/company.team.yml': 'retries: 3\n' },
      event
    )

  it("fails the plan on the kv()'s line, as a deleted file's read() does, though the flow is unchanged", async () => {
    const { result, comment } = await removeRegion('pull_request')
    expect(result.exitCode).toBe(1)
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/greet.yml`,
        line: 6,
        message: expect.stringContaining(
          "kv('region') reads KV key region of namespace company.team, which this deploy deletes (delete: true), so this flow would fail when it runs. Keep the key in the repository, or remove this use first"
        )
      })
    )
    expect(comment).toContain('❌ **Validation failed**: 1 error')
    expect(comment).toContain(`${NS}/flows/greet.yml#L6)`)
  })

  it('refuses the deploy before the first write', async () => {
    const { result, before, writes } = await removeRegion('push')
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toContain('Nothing was deployed: 1 validation error')
    expect(writes).toEqual([])
    expect(kestra.snapshot()).toEqual(before)
  })

  it('a parent namespace that holds the key serves the kv() once it is deleted: no error, the deploy deletes it', async () => {
    const { result, writes } = await removeRegion('push', ['region'])
    expect(result.exitCode).toBe(0)
    expect(result.annotations.filter((a) => a.severity === 'error')).toEqual([])
    expect(writes.map((w) => `${w.method} ${w.route}`)).toContain('DELETE kv.delete')
  })
})

describe('a preview whose pull request removes a KV key a flow still reads', () => {
  it('deploys and deletes the key, and the pull request shows its plan’s warning: the key is the pull request’s own earlier one', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const READER = `id: greet\nnamespace: ${NS}\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "Zone {{ kv('zone') }}"\n`
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const base = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    const preview = async (head: string) => {
      github.seedFromRepository(repo.dir)
      github.seedPull({
        number: 7,
        head: { ref: 'feature', sha: head },
        base: { ref: 'main', sha: base }
      })
      return runAction({
        ...pullRequestEvent(repo, base, head),
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, preview: 'true' }
      })
    }
    const first = await preview(
      repo.commit({
        [`${NS}/flows/greet.yml`]: READER,
        'kv/company.team.yml': 'zone: eu\nregion: eu-west-1\n'
      })
    )
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    expect(kestra.snapshot().kv).toContainEqual(
      expect.objectContaining({ namespace: `pr-7.${NS}`, key: 'zone' })
    )

    const second = await preview(repo.commit({ 'kv/company.team.yml': 'region: eu-west-1\n' }))
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    // What the pull request shows is its plan's: the key it lacks, a warning; nothing fails.
    expect(second.annotations.filter((a) => a.severity === 'error')).toEqual([])
    expect(second.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: `${NS}/flows/greet.yml`,
        line: 6,
        title: 'kestra-gitops: missing-kv-key'
      })
    )
    expect(kestra.snapshot().kv).not.toContainEqual(
      expect.objectContaining({ namespace: `pr-7.${NS}`, key: 'zone' })
    )
  })
})
