/**
 * `node dist/index.js` deploying on push and workflow_dispatch against the Kestra emulator
 * and the fake GitHub API.
 */
import { zipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type LoggedRequest
} from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, pushEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const WRITE_ROUTES = new Set([
  'flows.create',
  'flows.update',
  'flows.delete',
  'namespaces.files.upload',
  'namespaces.files.delete',
  'kv.put',
  'kv.delete'
])
const ZIP = zipSync({
  '_flows/evil.yml': new TextEncoder().encode(flow(NS, 'evil')),
  'inner.txt': new TextEncoder().encode('x')
})
const BINARY = Uint8Array.from({ length: 256 }, (_, i) => i)

const PARENT = `id: parent
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}
    flowId: child
`

function repository(): Record<string, string | Uint8Array> {
  return {
    [`${NS}/flows/parent.yml`]: PARENT,
    [`${NS}/flows/child.yml`]: flow(NS, 'child'),
    [`${NS}/flows/solo.yml`]: flow(NS, 'solo'),
    [`${NS}/files/scripts/run.py`]: 'print("run")\n',
    [`${NS}/files/data/archive.zip`]: ZIP,
    [`${NS}/files/data/bytes.bin`]: BINARY,
    'company.team.analytics/flows/report.yml': flow('company.team.analytics', 'report')
  }
}

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

async function setup(): Promise<void> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ 'README.md': 'kestra\n' })
  base = repo.head()
  head = repo.commit(repository(), 'add flows')
}

afterEach(async () => {
  kestra?.onRequest(undefined)
  await kestra?.close()
  await github?.close()
})

function deployRun(
  event: ReturnType<typeof pushEvent> | ReturnType<typeof dispatchEvent>,
  inputs: Record<string, string> = {}
) {
  return runAction({
    ...event,
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
}

function writes(): LoggedRequest[] {
  return kestra.requests.filter((r) => WRITE_ROUTES.has(r.route))
}

const byName = (a: { namespace: string; id: string }, b: { namespace: string; id: string }) =>
  `${a.namespace}/${a.id}` < `${b.namespace}/${b.id}` ? -1 : 1

function liveFlows() {
  return kestra
    .snapshot()
    .flows.filter((f) => !f.deleted)
    .map((f) => ({ namespace: f.namespace, id: f.id, source: f.source }))
    .sort(byName)
}

function expectServerEqualsRepository(): void {
  expect(liveFlows()).toEqual(
    [
      { namespace: NS, id: 'child', source: flow(NS, 'child') },
      { namespace: NS, id: 'parent', source: PARENT },
      { namespace: NS, id: 'solo', source: flow(NS, 'solo') },
      {
        namespace: 'company.team.analytics',
        id: 'report',
        source: flow('company.team.analytics', 'report')
      }
    ].sort(byName)
  )
  const files = new Map(
    kestra.snapshot().files.map((f) => [`${f.namespace}:${f.path}`, Buffer.from(f.bytes)])
  )
  expect([...files.keys()].sort()).toEqual([
    `${NS}:/data/archive.zip`,
    `${NS}:/data/bytes.bin`,
    `${NS}:/scripts/run.py`
  ])
  expect(files.get(`${NS}:/data/archive.zip`)!.equals(Buffer.from(ZIP))).toBe(true)
  expect(files.get(`${NS}:/data/bytes.bin`)!.equals(Buffer.from(BINARY))).toBe(true)
}

describe('deploy, end to end', () => {
  it('on push: the server ends up holding exactly the repository, files first, subflows before callers', async () => {
    await setup()
    const result = await deployRun(pushEvent(repo, base, head))
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expectServerEqualsRepository()
    expect(result.outputs).toMatchObject({
      mode: 'deploy',
      deployed: 'true',
      created: '7',
      updated: '0',
      deleted: '0',
      errors: '0'
    })

    const order = writes().map((r) => r.route)
    const lastUpload = order.lastIndexOf('namespaces.files.upload')
    const firstFlow = order.indexOf('flows.create')
    expect(lastUpload).toBeLessThan(firstFlow)
    const creates = writes().filter((r) => r.route === 'flows.create')
    expect(creates).toHaveLength(4)
    const createdIds = kestra.snapshot().flows.map((f) => f.id)
    expect(createdIds).not.toContain('evil') // the .zip was stored, not extracted
    expect(result.summary).toContain('Deployed')
    expect(result.summary).toContain('company.team.parent')
  })

  it('creates the called subflow before its caller', async () => {
    await setup()
    const result = await deployRun(pushEvent(repo, base, head))
    expect(result.exitCode).toBe(0)
    const creates = kestra.requests.filter((r) => r.route === 'flows.create')
    const index = (source: string) =>
      creates.findIndex((r) => r.bodyBytes === Buffer.byteLength(source))
    expect(index(flow(NS, 'child'))).toBeGreaterThanOrEqual(0)
    expect(index(PARENT)).toBeGreaterThan(index(flow(NS, 'child')))
  })

  it('a second identical run writes nothing and makes no new revision', async () => {
    await setup()
    expect((await deployRun(pushEvent(repo, base, head))).exitCode).toBe(0)
    const before = kestra.snapshot()
    kestra.clearLog()
    const again = await deployRun(pushEvent(repo, base, head))
    expect(again.exitCode, again.stdout).toBe(0)
    expect(writes()).toEqual([])
    expect(kestra.snapshot()).toEqual(before)
    expect(again.outputs).toMatchObject({
      deployed: 'false',
      created: '0',
      updated: '0',
      unchanged: '7'
    })
    // Each namespace's KV is read once, for its commit marker: one listing of keys tells that no
    // namespace holds a rollback record.
    const kv = kestra.requests.filter((r) => r.route.startsWith('kv.'))
    expect(
      kv.map((r) => `${r.route} ${r.params.namespace ?? ''} ${r.params.key ?? ''}`).sort()
    ).toEqual([
      `kv.get ${NS} kestra-gitops-commit`,
      'kv.get company.team.analytics kestra-gitops-commit',
      'kv.search  '
    ])
  })

  it('on workflow_dispatch: deploys the checked-out commit', async () => {
    await setup()
    const result = await deployRun(dispatchEvent(repo, head))
    expect(result.exitCode, result.stdout).toBe(0)
    expectServerEqualsRepository()
  })

  it('dry-run writes nothing', async () => {
    await setup()
    const result = await deployRun(pushEvent(repo, base, head), { 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ mode: 'plan', deployed: 'false', created: '7' })
    expect(writes()).toEqual([])
  })

  it('retries 503s on the first writes and succeeds', async () => {
    await setup()
    kestra.inject({ route: 'namespaces.files.upload', status: 503, times: 2 })
    kestra.inject({ route: 'flows.create', status: 503, retryAfter: 1, times: 1 })
    const result = await deployRun(pushEvent(repo, base, head))
    expect(result.exitCode, result.stdout).toBe(0)
    expectServerEqualsRepository()
  })

  it('a persistent 500 on one flow: exit 1 naming it, the others applied, and a re-run finishes the job', async () => {
    await setup()
    kestra.seed({ flows: [{ namespace: NS, id: 'solo', source: flow(NS, 'solo', ' (old)') }] })
    // Every attempt (4) of the update of solo fails; the next run finds the server healthy again.
    kestra.inject({ method: 'PUT', path: `/api/v1/main/flows/${NS}/solo`, status: 500, times: 4 })
    const failed = await deployRun(pushEvent(repo, base, head))
    expect(failed.exitCode).toBe(1)
    const error = failed.annotations.find((a) => a.severity === 'error' && !a.file)
    expect(error?.message).toContain('company.team/solo')
    expect(error?.message).toMatch(/Re-run/)
    expect(
      liveFlows()
        .map((f) => f.id)
        .sort()
    ).toEqual(['child', 'parent', 'report', 'solo'])
    expect(liveFlows().find((f) => f.id === 'solo')!.source).toBe(flow(NS, 'solo', ' (old)'))
    expect(failed.summary).toContain('Not applied')

    const rerun = await deployRun(pushEvent(repo, base, head))
    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expectServerEqualsRepository()
  })

  it('reports a conflict when a flow changes on the server between the plan and the write', async () => {
    await setup()
    kestra.seed({ flows: [{ namespace: NS, id: 'solo', source: flow(NS, 'solo', ' (old)') }] })
    let lists = 0
    kestra.onRequest((request) => {
      if (
        request.route === 'flows.list' &&
        request.path.endsWith(`/flows/${NS}`) &&
        ++lists === 2
      ) {
        kestra.seed({
          flows: [{ namespace: NS, id: 'solo', source: flow(NS, 'solo', ' (edited in the UI)') }]
        })
      }
    })
    const result = await deployRun(pushEvent(repo, base, head))
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/conflict: flow:company\.team\/solo/)
    expect(liveFlows().find((f) => f.id === 'solo')!.source).toBe(
      flow(NS, 'solo', ' (edited in the UI)')
    )
  })

  it('refuses a plan over max-deletions before any write', async () => {
    await setup()
    kestra.seed({
      flows: ['a', 'b', 'c'].map((id) => ({ namespace: NS, id, source: flow(NS, id) }))
    })
    const result = await deployRun(pushEvent(repo, base, head), {
      delete: 'true',
      'max-deletions': '2'
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /deletes 3 resources, more than max-deletions \(2\); if that is intended, set allow-mass-deletion: true/
    )
    expect(writes()).toEqual([])
  })

  it('refuses to deploy a commit older than the one already deployed (exit 0, a warning, nothing written)', async () => {
    await setup()
    const newer = repo.commit({ [`${NS}/flows/solo.yml`]: flow(NS, 'solo', ' v2') }, 'newer')
    expect((await deployRun(pushEvent(repo, head, newer))).exitCode).toBe(0)
    kestra.clearLog()
    const late = await deployRun(pushEvent(repo, base, head))
    expect(late.exitCode, late.stdout).toBe(0)
    expect(
      late.annotations.some((a) => a.severity === 'warning' && /older|revert/i.test(a.message))
    ).toBe(true)
    expect(writes()).toEqual([])
    expect(liveFlows().find((f) => f.id === 'solo')!.source).toBe(flow(NS, 'solo', ' v2'))
  })

  it('require-reviewed-plan: refuses when the plan differs from the merged PR comment, deploys when it matches', async () => {
    await setup()
    github.setCommitPulls(head, [
      { number: 12, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: head }
    ])
    github.seedComments(12, [
      {
        body: `<!-- kestra-gitops:default -->\nplan\n<!-- kestra-gitops-plan: {"fingerprint":"${'0'.repeat(64)}","commit":"${head}"} -->`
      }
    ])
    const refused = await deployRun(pushEvent(repo, base, head), {
      'require-reviewed-plan': 'true'
    })
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toMatch(/differs from the one reviewed on pull request #12/)
    expect(refused.stdout).toContain('create flow company.team.parent')
    expect(writes()).toEqual([])

    // The plan as a PR run shows it, then a matching deploy.
    const plan = await deployRun(pushEvent(repo, base, head), { 'dry-run': 'true' })
    const fingerprint = plan.outputs['plan-fingerprint']!
    github.state.comments.set(12, [])
    github.seedComments(12, [
      {
        body: `<!-- kestra-gitops:default -->\nplan\n<!-- kestra-gitops-plan: {"fingerprint":"${fingerprint}","commit":"${head}"} -->`
      }
    ])
    const deployed = await deployRun(pushEvent(repo, base, head), {
      'require-reviewed-plan': 'true'
    })
    expect(deployed.exitCode, deployed.stdout).toBe(0)
    expectServerEqualsRepository()
    expect(github.comments(12)[0]!.body).toContain('Deployed')
  })

  it('blocks the whole deploy on any validation error, listing them all', async () => {
    await setup()
    const broken = repo.commit({
      'company.team.analytics/flows/broken.yml':
        'id: broken\nnamespace: company.team.analytics\ntasks: []\n'
    })
    const result = await deployRun(pushEvent(repo, base, broken))
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/Nothing was deployed/)
    expect(result.stdout).toContain('broken.yml')
    expect(writes()).toEqual([])
  })

  it('says nothing was deployed when it fails before the first write (wrong credentials)', async () => {
    await setup()
    const result = await deployRun(pushEvent(repo, base, head), { password: 'Wrong-Passw0rd-42' })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.severity === 'error' && !a.file)
    expect(error?.message).toMatch(/^Nothing was deployed: Kestra answered 401/)
    expect(result.outputs.deployed).toBe('false')
    expect(writes()).toEqual([])
  })
})
