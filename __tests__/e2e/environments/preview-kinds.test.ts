/**
 * A preview holds every kind under its prefix (docs/environments.md#previews): on Kestra Enterprise a pull
 * request's flows, namespace files, KV pairs and test suites go into `pr-7.*` only, a suite that production
 * holds and the branch lacks is nobody's business of the preview, the tenant-wide dashboards are left alone
 * with a notice, and the close leaves nothing of any kind under the prefix. `node dist/index.js` against the
 * Kestra emulator (Enterprise) and the fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator } from '../../../test-support/kestra-emulator/index.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  pullRequestClosedEvent,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import { dashboard } from '../dashboards-stage.js'
import {
  inPrefix,
  kestraWrites,
  notInPrefix,
  openPullRequest,
  publish,
  serverView,
  stopServers,
  type Servers
} from './stage.js'

const NS = 'company.team'
const PREFIX = 'pr-7'

function suite(namespace: string, id: string, expected: string): string {
  return `id: ${id}
namespace: ${namespace}
flowId: hello
testCases:
  - id: says_hello
    type: io.kestra.core.tests.flow.UnitTest
    assertions:
      - value: "{{ outputs.hello.value }}"
        equalTo: ${expected}
`
}

const HELLO = `id: hello
namespace: ${NS}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('region') }}"
`
const SMOKE = suite(NS, 'smoke', 'hi')
const SMOKE_V2 = suite(NS, 'smoke', 'hello')
const SALES = dashboard('sales', 'Sales')
const SALES_V2 = dashboard('sales', 'Sales, reviewed')
/** A suite production holds that the branch has never had. */
const PRODUCTION_ONLY = suite(NS, 'production_only', 'prod')

let servers: Servers
let repo: GitRepo
let base: string
let head: string

/** Test suites, by `namespace/id`: their source. */
function suites(keep: (namespace: string) => boolean): Record<string, string> {
  return Object.fromEntries(
    servers.kestra
      .testSuites()
      .filter((s) => keep(s.namespace))
      .map((s) => [`${s.namespace}/${s.id}`, s.source])
  )
}

function dashboards(): Record<string, string> {
  return Object.fromEntries(
    servers.kestra
      .snapshot()
      .dashboards.filter((d) => !d.deleted)
      .map((d) => [d.id, d.source])
  )
}

function preview(sha: string, action = 'synchronize') {
  const event = pullRequestEvent(repo, base, sha)
  return runAction({
    ...event,
    payload: { ...event.payload, action },
    githubApiUrl: servers.github.url,
    inputs: { server: servers.kestra.url, ...CREDENTIALS, preview: 'true' }
  })
}

beforeAll(async () => {
  servers = {
    kestra: await startEmulator({ basicAuth: CREDENTIALS, edition: 'EE', version: '1.3.25' }),
    github: await startFakeGitHub()
  }
  repo = createGitRepo({
    [`${NS}/flows/hello.yml`]: HELLO,
    [`${NS}/files/q.sql`]: 'select 1\n',
    [`kv/${NS}.yml`]: 'region: eu-west-1\n',
    'tests/smoke.yml': SMOKE,
    'dashboards/sales.yml': SALES
  })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({
    [`kv/${NS}.yml`]: 'region: eu-west-3\n',
    'tests/smoke.yml': SMOKE_V2,
    'dashboards/sales.yml': SALES_V2
  })
  publish(servers.github, repo)
  openPullRequest(servers.github, base, head)
  // Production: the base commit deployed, and a suite made in the UI.
  servers.kestra.seed({
    flows: [{ namespace: NS, id: 'hello', source: HELLO }],
    files: [{ namespace: NS, path: '/q.sql', content: 'select 1\n' }],
    kv: [{ namespace: NS, key: 'region', value: 'eu-west-1' }],
    tests: [{ source: SMOKE }, { source: PRODUCTION_ONLY }],
    dashboards: [{ source: SALES }]
  })
})

afterAll(() => stopServers(servers))

describe('a preview of every kind', () => {
  let production: ReturnType<typeof serverView>
  let productionSuites: Record<string, string>

  it('opened: flows, files, KV pairs and test suites go under pr-7.* only; dashboards are left with a notice', async () => {
    production = serverView(servers.kestra, notInPrefix(PREFIX))
    productionSuites = suites(notInPrefix(PREFIX))
    const result = await preview(head, 'opened')
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)

    const inPreview = serverView(servers.kestra, inPrefix(PREFIX))
    expect(inPreview.flows.map((f) => `${f.namespace}.${f.id}`)).toEqual([`${PREFIX}.${NS}.hello`])
    expect(inPreview.files).toEqual([
      { namespace: `${PREFIX}.${NS}`, path: '/q.sql', text: 'select 1\n' }
    ])
    expect(inPreview.kv).toContainEqual({
      namespace: `${PREFIX}.${NS}`,
      key: 'region',
      value: 'eu-west-3'
    })
    expect(suites(inPrefix(PREFIX))).toEqual({
      [`${PREFIX}.${NS}/smoke`]: suite(`${PREFIX}.${NS}`, 'smoke', 'hello')
    })
    // Production is as it was, every kind of it: the suite the branch lacks included.
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(production)
    expect(suites(notInPrefix(PREFIX))).toEqual(productionSuites)
    expect(dashboards()).toEqual({ sales: SALES })
    for (const write of kestraWrites(servers.kestra)) {
      expect(write.split(' ')[2]).toMatch(/^pr-7\./)
    }

    const leftOut = 'Dashboards are not planned under namespace-prefix pr-7'
    const notice = result.annotations.find((a) => a.message.startsWith(leftOut))
    expect(notice).toMatchObject({ severity: 'notice', file: 'dashboards/sales.yml' })
    const body = servers.github.comments(7)[0]!.body
    expect(body.slice(body.indexOf('### Preview'))).toContain(`ℹ️ ${leftOut}`)
    // The pull request's own plan, above, still shows the dashboard's update.
    expect(body.slice(0, body.indexOf('### Preview'))).toContain('update dashboard')
  })

  it('closed: nothing of any kind is left under pr-7.*, and production keeps its own', async () => {
    servers.kestra.clearLog()
    const result = await runAction({
      ...pullRequestClosedEvent(repo, base, head, { merged: false }),
      githubApiUrl: servers.github.url,
      inputs: { server: servers.kestra.url, ...CREDENTIALS, preview: 'true' }
    })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(serverView(servers.kestra, inPrefix(PREFIX))).toEqual({ flows: [], files: [], kv: [] })
    expect(suites(inPrefix(PREFIX))).toEqual({})
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(production)
    expect(suites(notInPrefix(PREFIX))).toEqual(productionSuites)
    expect(dashboards()).toEqual({ sales: SALES })
    for (const write of kestraWrites(servers.kestra)) {
      expect(write.split(' ')[2]).toMatch(/^pr-7\./)
    }
  })
})
