/**
 * Previews (docs/environments.md#previews): a pull request from the repository is also deployed into
 * `pr-<number>.<namespace>` with its triggers off, smoke-tested there, shown in the comment, and removed
 * when the pull request closes; nothing outside `pr-7.*` is ever written. `node dist/index.js` against the
 * Kestra emulator and the fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  flow,
  pullRequestClosedEvent,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import {
  deployments,
  inPrefix,
  kestraWrites,
  notInPrefix,
  openPullRequest,
  publish,
  RUN_URL,
  serverView,
  startServers,
  stopServers,
  type Servers,
  type ServerView
} from './stage.js'

const NS = 'company.team'
const OPS = 'company.ops'
const PREFIX = 'pr-7'

/** Calls a subflow of the repository and one of another namespace; runs nightly. */
const ORDERS = `id: orders
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}   # the repository's
    flowId: child
  - id: external
    type: io.kestra.plugin.core.flow.Subflow
    namespace: shared.lib
    flowId: util
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
`

/** What the preview holds of ORDERS: the repository call mapped, the other left, the trigger off. */
const ORDERS_IN_PREVIEW = `id: orders
namespace: ${PREFIX}.${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${PREFIX}.${NS}   # the repository's
    flowId: child
  - id: external
    type: io.kestra.plugin.core.flow.Subflow
    namespace: shared.lib
    flowId: util
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
    disabled: true
`

let servers: Servers
let repo: GitRepo
let base: string
let head: string
let unprefixed: ServerView

function preview(sha: string, options: { action?: string; fork?: boolean } = {}) {
  const event = pullRequestEvent(repo, base, sha, { fork: options.fork })
  return runAction({
    ...event,
    payload: { ...event.payload, action: options.action ?? 'synchronize' },
    githubApiUrl: servers.github.url,
    inputs: {
      server: servers.kestra.url,
      ...CREDENTIALS,
      preview: 'true',
      'smoke-flows': `${NS}.orders`
    }
  })
}

function close(sha: string) {
  return runAction({
    ...pullRequestClosedEvent(repo, base, sha, { merged: false }),
    githubApiUrl: servers.github.url,
    inputs: { server: servers.kestra.url, ...CREDENTIALS, preview: 'true' }
  })
}

beforeAll(async () => {
  servers = await startServers()
  repo = createGitRepo({
    [`${NS}/flows/child.yml`]: flow(NS, 'child'),
    [`${NS}/flows/orders.yml`]: ORDERS,
    [`${NS}/files/scripts/q.sql`]: 'select 1\n',
    [`${OPS}/flows/cleanup.yml`]: flow(OPS, 'cleanup')
  })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({ [`${NS}/flows/child.yml`]: flow(NS, 'child', ' (in review)') })
  publish(servers.github, repo)
  openPullRequest(servers.github, base, head)
  // Production-like content in the unprefixed namespaces, and another pull request's preview.
  servers.kestra.seed({
    flows: [
      { namespace: NS, id: 'child', source: flow(NS, 'child'), revisions: 2 },
      { namespace: NS, id: 'orders', source: ORDERS },
      { namespace: NS, id: 'server-only', source: flow(NS, 'server-only') },
      { namespace: OPS, id: 'cleanup', source: flow(OPS, 'cleanup') },
      { namespace: 'shared.lib', id: 'util', source: flow('shared.lib', 'util') },
      { namespace: `pr-70.${NS}`, id: 'child', source: flow(`pr-70.${NS}`, 'child') }
    ],
    files: [
      { namespace: NS, path: '/scripts/q.sql', content: 'select 1\n' },
      { namespace: `pr-70.${NS}`, path: '/scripts/q.sql', content: 'select 70\n' }
    ],
    kv: [
      { namespace: NS, key: 'kestra-gitops-commit', value: { commit: base } },
      { namespace: NS, key: 'team-setting', value: 'kept' }
    ]
  })
  unprefixed = serverView(servers.kestra, notInPrefix(PREFIX))
})

afterAll(() => stopServers(servers))

describe('a preview per pull request', () => {
  it('opened: deploys the head into pr-7.* with triggers off, smoke-tests it, and links it in the comment', async () => {
    const result = await preview(head, { action: 'opened' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs).toMatchObject({ mode: 'plan', deployed: 'false', smoke: 'passed' })

    const inPreview = serverView(servers.kestra, inPrefix(PREFIX))
    expect(inPreview.flows).toEqual([
      {
        namespace: `${PREFIX}.${OPS}`,
        id: 'cleanup',
        source: flow(`${PREFIX}.${OPS}`, 'cleanup')
      },
      {
        namespace: `${PREFIX}.${NS}`,
        id: 'child',
        source: flow(`${PREFIX}.${NS}`, 'child', ' (in review)')
      },
      { namespace: `${PREFIX}.${NS}`, id: 'orders', source: ORDERS_IN_PREVIEW }
    ])
    expect(inPreview.files).toEqual([
      { namespace: `${PREFIX}.${NS}`, path: '/scripts/q.sql', text: 'select 1\n' }
    ])
    expect(inPreview.kv).toContainEqual(
      expect.objectContaining({ namespace: `${PREFIX}.${NS}`, key: 'kestra-gitops-commit' })
    )
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(unprefixed)
    expect(servers.kestra.executions().map((e) => `${e.namespace}.${e.flowId}`)).toEqual([
      `${PREFIX}.${NS}.orders`
    ])

    const [comment, ...more] = servers.github.comments(7)
    expect(more).toEqual([])
    const previewSection = comment!.body.slice(comment!.body.indexOf('### Preview'))
    expect(comment!.body).toContain('### Preview')
    for (const namespace of [`${PREFIX}.${NS}`, `${PREFIX}.${OPS}`]) {
      expect(previewSection).toContain(
        `[${namespace}](${servers.kestra.url}/ui/main/namespaces/edit/${namespace})`
      )
    }
    expect(previewSection).toContain('triggers disabled')
    expect(previewSection).toContain('✅ **Smoke runs passed** (1)')
    // The plan above it is the pull request's against the unprefixed namespaces.
    expect(comment!.body.slice(0, comment!.body.indexOf('### Preview'))).toMatch(/1 to update/)

    const [recorded, ...others] = deployments(servers.github)
    expect(others).toEqual([])
    expect(recorded).toMatchObject({
      environment: PREFIX,
      sha: head,
      transient: true,
      production: false
    })
    expect(recorded!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(recorded!.statuses.at(-1)).toMatchObject({
      environmentUrl: `${servers.kestra.url}/ui/main/namespaces/edit/${PREFIX}.${OPS}`,
      logUrl: RUN_URL
    })
  })

  it('pushed again: the preview follows the head (update and delete inside pr-7.* only)', async () => {
    const second = repo.commit({
      [`${NS}/flows/orders.yml`]: ORDERS.replace('cron: "0 2 * * *"', 'cron: "0 3 * * *"'),
      [`${OPS}/flows/cleanup.yml`]: null
    })
    publish(servers.github, repo)
    servers.kestra.clearLog()
    const result = await preview(second)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)

    const inPreview = serverView(servers.kestra, inPrefix(PREFIX))
    expect(inPreview.flows.map((f) => `${f.namespace}.${f.id}`)).toEqual([
      `${PREFIX}.${NS}.child`,
      `${PREFIX}.${NS}.orders`
    ])
    expect(inPreview.flows[1]!.source).toBe(
      ORDERS_IN_PREVIEW.replace('cron: "0 2 * * *"', 'cron: "0 3 * * *"')
    )
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(unprefixed)
    for (const write of kestraWrites(servers.kestra)) {
      expect(write.split(' ')[2]).toMatch(/^pr-7\./)
    }
    expect(servers.github.comments(7)).toHaveLength(1)
    const latest = deployments(servers.github).at(-1)!
    expect(latest).toMatchObject({ environment: PREFIX, sha: second, transient: true })
    expect(latest.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    head = second
  })

  it('closed: every pr-7.* resource is deleted, nothing else is touched, the deployment goes inactive', async () => {
    servers.kestra.clearLog()
    const result = await close(head)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)

    expect(serverView(servers.kestra, inPrefix(PREFIX))).toEqual({ flows: [], files: [], kv: [] })
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(unprefixed)
    const writes = kestraWrites(servers.kestra)
    expect(writes.length).toBeGreaterThan(0)
    for (const write of writes) expect(write.split(' ')[2]).toMatch(/^pr-7\./)
    // A closed pull request is not planned again: the server is not asked to validate anything.
    expect(servers.kestra.requests.filter((r) => r.route === 'flows.validate')).toEqual([])

    for (const recorded of deployments(servers.github)) {
      expect(recorded.statuses.at(-1)!.state).toBe('inactive')
    }
    const [comment] = servers.github.comments(7)
    const previewSection = comment!.body.slice(comment!.body.indexOf('### Preview'))
    expect(previewSection).toContain('Preview removed')
    expect(previewSection).not.toContain('/ui/main/namespaces/edit/')
  })

  it('pull_request_target whose head repository is gone (head.repo: null) is a fork: no preview, no execution, no deploy', async () => {
    servers.kestra.clearLog()
    const before = deployments(servers.github).length
    const executions = servers.kestra.executions().length
    const event = pullRequestEvent(repo, base, head)
    const deleted = (action: string, inputs: Record<string, string> = {}) =>
      runAction({
        ...event,
        eventName: 'pull_request_target',
        payload: {
          ...event.payload,
          action,
          pull_request: {
            ...event.payload.pull_request,
            head: { ...event.payload.pull_request.head, repo: null }
          }
        },
        githubApiUrl: servers.github.url,
        inputs: {
          server: servers.kestra.url,
          ...CREDENTIALS,
          preview: 'true',
          'smoke-flows': `${NS}.orders`,
          ...inputs
        }
      })
    const planned = await deleted('synchronize')
    expect(planned.exitCode, planned.stdout + planned.stderr).toBe(0)
    expect(planned.outputs).toMatchObject({ mode: 'plan', deployed: 'false' })
    expect(planned.annotations.find((a) => a.severity === 'notice')?.message).toMatch(
      /no preview.*fork/i
    )
    const refused = await deleted('synchronize', { mode: 'deploy' })
    expect(refused.exitCode).toBe(1)
    expect(refused.annotations.find((a) => a.severity === 'error')?.message).toMatch(
      /not provably this repository.*never deployed/
    )
    expect(kestraWrites(servers.kestra)).toEqual([])
    expect(serverView(servers.kestra, inPrefix(PREFIX))).toEqual({ flows: [], files: [], kv: [] })
    expect(serverView(servers.kestra, notInPrefix(PREFIX))).toEqual(unprefixed)
    expect(servers.kestra.executions()).toHaveLength(executions)
    expect(deployments(servers.github)).toHaveLength(before)
  })

  it('a fork gets no preview, and says why', async () => {
    servers.github.forbidWrites(true)
    servers.kestra.clearLog()
    const before = deployments(servers.github).length
    try {
      const result = await preview(head, { fork: true, action: 'opened' })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const notice = result.annotations.find(
        (a) => a.severity === 'notice' && a.message.includes('fork')
      )
      expect(notice?.message).toMatch(/no preview/i)
      expect(result.summary).toMatch(/no preview/i)
      expect(kestraWrites(servers.kestra)).toEqual([])
      expect(serverView(servers.kestra, inPrefix(PREFIX)).flows).toEqual([])
      expect(deployments(servers.github)).toHaveLength(before)
    } finally {
      servers.github.forbidWrites(false)
    }
  })
})
