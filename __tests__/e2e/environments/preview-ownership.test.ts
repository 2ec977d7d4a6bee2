/**
 * What a preview owns and when it runs (docs/environments.md#previews), through the bundled action against
 * the Kestra emulator and the fake GitHub:
 * - a close leaves nothing in the preview's own namespaces, KV pairs included (those an execution wrote
 *   too), on every Kestra whose KV listings differ (per namespace before 1.1.4, named entries from 1.3, the
 *   search only in 2.0), compared with the server namespace by namespace;
 * - another repository's pull request of the same number, and an unrecorded namespace, keep theirs: never
 *   written, run in or deleted, and named;
 * - a close and a late deploy converge on no preview in either order, without a concurrency group.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startFakeGitHub } from '../../../test-support/fake-github.js'
import { startEmulator, WRITE_ROUTES } from '../../../test-support/kestra-emulator/index.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  flow,
  pullRequestClosedEvent,
  pullRequestEvent
} from '../../../test-support/scenario.js'
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
const SALES = 'company.sales'
const PREFIX = 'pr-7'
const OWNER_KEY = 'kestra-gitops-preview'

let servers: Servers | undefined
afterEach(() => stopServers(servers))

interface Stage {
  servers: Servers
  repo: GitRepo
  base: string
  head: string
}

async function stage(version?: string, files: Record<string, string> = {}): Promise<Stage> {
  servers = {
    kestra: await startEmulator({ basicAuth: CREDENTIALS, ...(version && { version }) }),
    github: await startFakeGitHub()
  }
  const repo = createGitRepo({
    [`${NS}/flows/orders.yml`]: flow(NS, 'orders'),
    [`${NS}/files/q.sql`]: 'select 1\n',
    ...files
  })
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit({ [`${NS}/flows/orders.yml`]: flow(NS, 'orders', ' (in review)') })
  publish(servers.github, repo)
  openPullRequest(servers.github, base, head)
  return { servers, repo, base, head }
}

function preview(s: Stage, sha = s.head) {
  const event = pullRequestEvent(s.repo, s.base, sha)
  return runAction({
    ...event,
    githubApiUrl: s.servers.github.url,
    inputs: {
      server: s.servers.kestra.url,
      ...CREDENTIALS,
      preview: 'true',
      'smoke-flows': `${NS}.orders`
    }
  })
}

function close(s: Stage) {
  return runAction({
    ...pullRequestClosedEvent(s.repo, s.base, s.head, { merged: false }),
    githubApiUrl: s.servers.github.url,
    inputs: { server: s.servers.kestra.url, ...CREDENTIALS, preview: 'true' }
  })
}

function closeOnGitHub(s: Stage): void {
  s.servers.github.seedPull({
    number: 7,
    head: { ref: 'feature', sha: s.head },
    base: { ref: 'main', sha: s.base },
    state: 'closed'
  })
}

/** The server's content, namespace by namespace, of the namespaces `keep` selects. */
function byNamespace(s: Stage, keep: (namespace: string) => boolean) {
  const view = serverView(s.servers.kestra, keep)
  const namespaces = new Set([...view.flows, ...view.files, ...view.kv].map((r) => r.namespace))
  return Object.fromEntries(
    [...namespaces].sort().map((namespace) => [
      namespace,
      {
        flows: view.flows.filter((f) => f.namespace === namespace).map((f) => f.id),
        files: view.files.filter((f) => f.namespace === namespace).map((f) => f.path),
        kv: view.kv.filter((e) => e.namespace === namespace).map((e) => e.key)
      }
    ])
  )
}

describe('a closed preview leaves nothing in its namespaces, KV pairs included', () => {
  for (const version of ['0.22.0', '1.3.2', '2.0.0']) {
    it(`Kestra ${version}: every flow, file and KV pair of pr-7.* goes, nothing else moves`, async () => {
      const s = await stage(version)
      s.servers.kestra.seed({
        flows: [{ namespace: NS, id: 'orders', source: flow(NS, 'orders') }],
        kv: [
          { namespace: NS, key: 'team-setting', value: 'kept' },
          { namespace: `pr-70.${NS}`, key: 'other-preview', value: 'kept' }
        ]
      })
      const opened = await preview(s)
      expect(opened.exitCode, opened.stdout + opened.stderr).toBe(0)
      // What the preview's executions wrote themselves, next to what the action wrote.
      s.servers.kestra.seed({
        kv: [
          { namespace: `${PREFIX}.${NS}`, key: 'last-run', value: { rows: 3 } },
          { namespace: `${PREFIX}.${NS}`, key: 'cursor', value: '2026-01-01' }
        ]
      })
      expect(byNamespace(s, inPrefix(PREFIX))).toEqual({
        [`${PREFIX}.${NS}`]: {
          flows: ['orders'],
          files: ['/q.sql'],
          kv: ['cursor', 'kestra-gitops-commit', OWNER_KEY, 'last-run']
        }
      })
      const others = byNamespace(s, notInPrefix(PREFIX))

      closeOnGitHub(s)
      s.servers.kestra.clearLog()
      const closed = await close(s)
      expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0)
      expect(byNamespace(s, inPrefix(PREFIX))).toEqual({})
      expect(byNamespace(s, notInPrefix(PREFIX))).toEqual(others)
      for (const write of kestraWrites(s.servers.kestra)) {
        expect(write.split(' ')[2]).toMatch(/^pr-7\./)
      }
      expect(closed.outputs.deleted).toBe('6')
    })
  }
})

describe('a namespace made below the preview in the UI', () => {
  // docs/environments.md#previews: a namespace below a preview namespace this pull request owns belongs to it, unless
  // it holds another owner's record; the nearest record decides, at any depth.
  const SUB = `${PREFIX}.${NS}.sub`
  const DEEP = `${SUB}.deeper`
  const THEIRS = `${PREFIX}.${NS}.theirs`
  const UNDER_THEIRS = `${THEIRS}.child`
  const OTHER_PR = { repository: 'other/repo', pullRequest: 7 }

  it("goes with the preview on close, flows, files and KV, at any depth; a child holding another owner's record, and what lies below it, stay and are named", async () => {
    const s = await stage('1.3.2')
    const opened = await preview(s)
    expect(opened.exitCode, opened.stdout + opened.stderr).toBe(0)
    // Made in the UI after the preview deployed: no ownership record of their own, or another's.
    s.servers.kestra.seed({
      flows: [
        { namespace: SUB, id: 'made_in_ui', source: flow(SUB, 'made_in_ui') },
        { namespace: DEEP, id: 'deeper', source: flow(DEEP, 'deeper') },
        { namespace: THEIRS, id: 'kept', source: flow(THEIRS, 'kept') },
        { namespace: UNDER_THEIRS, id: 'kept_too', source: flow(UNDER_THEIRS, 'kept_too') }
      ],
      files: [{ namespace: SUB, path: '/ui.sql', content: 'select 2\n' }],
      kv: [
        { namespace: SUB, key: 'ui-key', value: 'x' },
        { namespace: THEIRS, key: OWNER_KEY, value: OTHER_PR }
      ]
    })
    const kept = byNamespace(s, (ns) => ns === THEIRS || ns === UNDER_THEIRS)
    closeOnGitHub(s)
    s.servers.kestra.clearLog()
    const closed = await close(s)
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0)
    expect(byNamespace(s, inPrefix(PREFIX))).toEqual(kept)
    for (const write of kestraWrites(s.servers.kestra)) {
      expect(write.split(' ')[2]).not.toMatch(/theirs/)
    }
    const warnings = closed.annotations
      .filter((a) => a.severity === 'warning')
      .map((a) => a.message)
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `${THEIRS}: left as it is, it belongs to other/repo's pull request #7`
      )
    )
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `${UNDER_THEIRS}: left as it is, it lies below ${THEIRS}, and it belongs to other/repo's pull request #7`
      )
    )
    expect(warnings.join('\n')).not.toContain(SUB + ':')
  })
})

describe("another repository's preview of the same number", () => {
  it('is never written, run in or deleted, and is named; an unrecorded namespace likewise', async () => {
    const s = await stage(undefined, { [`${SALES}/flows/report.yml`]: flow(SALES, 'report') })
    const theirs = { repository: 'someone/else', pullRequest: 7 }
    s.servers.kestra.seed({
      flows: [
        {
          namespace: `${PREFIX}.${SALES}`,
          id: 'report',
          source: flow(`${PREFIX}.${SALES}`, 'report', ' (theirs)')
        },
        {
          namespace: `${PREFIX}.${SALES}`,
          id: 'theirs',
          source: flow(`${PREFIX}.${SALES}`, 'theirs')
        },
        { namespace: `${PREFIX}.legacy`, id: 'old', source: flow(`${PREFIX}.legacy`, 'old') }
      ],
      kv: [
        { namespace: `${PREFIX}.${SALES}`, key: OWNER_KEY, value: theirs },
        {
          namespace: `${PREFIX}.${SALES}`,
          key: 'kestra-gitops-commit',
          value: { commit: 'a'.repeat(40), repository: 'someone/else' }
        },
        {
          namespace: `${PREFIX}.legacy`,
          key: 'kestra-gitops-commit',
          value: { commit: 'b'.repeat(40), repository: 'octo/kestra-repo' }
        }
      ]
    })
    const foreign = (namespace: string) =>
      namespace === `${PREFIX}.${SALES}` || namespace === `${PREFIX}.legacy`
    const before = serverView(s.servers.kestra, foreign)

    const opened = await preview(s)
    // The preview fails where it is not its own, and says whose it is; its own namespace is deployed.
    expect(opened.exitCode).toBe(1)
    expect(opened.everything).toContain(
      `the preview namespace ${PREFIX}.${SALES} is not this one's, it belongs to someone/else's pull request #7`
    )
    expect(serverView(s.servers.kestra, foreign)).toEqual(before)
    expect(
      s.servers.kestra.requests.filter(
        (r) => WRITE_ROUTES.includes(r.route) && foreign(r.params.namespace ?? '')
      )
    ).toEqual([])
    expect(byNamespace(s, (n) => n === `${PREFIX}.${NS}`)[`${PREFIX}.${NS}`]?.flows).toEqual([
      'orders'
    ])

    closeOnGitHub(s)
    s.servers.kestra.clearLog()
    const closed = await close(s)
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0)
    expect(serverView(s.servers.kestra, foreign)).toEqual(before)
    expect(byNamespace(s, (n) => n === `${PREFIX}.${NS}`)).toEqual({})
    const leftAlone = closed.annotations
      .filter((a) => a.severity === 'warning')
      .map((a) => a.message)
    expect(leftAlone).toEqual(
      expect.arrayContaining([
        `Preview: ${PREFIX}.${SALES}: left as it is, it belongs to someone/else's pull request #7.`,
        expect.stringMatching(
          new RegExp(
            `^Preview: ${PREFIX}\\.legacy: left as it is, it holds resources but no ownership record`
          )
        )
      ])
    )
    const comment = s.servers.github.comments(7)[0]!.body
    expect(comment).toContain(`${PREFIX}.${SALES}: left as it is`)
    expect(comment).toContain(`${PREFIX}.legacy: left as it is`)
  })
})

describe('a close and a late deploy converge, in either order, without a concurrency group', () => {
  it('close, then the late run of the head: no preview, nothing written', async () => {
    const s = await stage()
    expect((await preview(s)).exitCode).toBe(0)
    closeOnGitHub(s)
    expect((await close(s)).exitCode).toBe(0)
    s.servers.kestra.clearLog()
    const late = await preview(s)
    expect(late.exitCode, late.stdout + late.stderr).toBe(0)
    expect(late.annotations.find((a) => a.severity === 'notice')?.message).toMatch(
      /No preview: pull request #7 is closed/
    )
    expect(kestraWrites(s.servers.kestra)).toEqual([])
    expect(byNamespace(s, inPrefix(PREFIX))).toEqual({})
    expect(
      s.servers.kestra.executions().filter((e) => e.namespace.startsWith('pr-7.'))
    ).toHaveLength(1)
  })

  it('a pull request GitHub does not answer for gets no preview, and its plan is still commented', async () => {
    const s = await stage()
    s.servers.github.failNext({
      method: 'GET',
      path: '/repos/octo/kestra-repo/pulls/7',
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const result = await preview(s)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.annotations.find((a) => a.severity === 'notice')?.message).toMatch(
      /No preview: pull request #7 could not be read/
    )
    expect(kestraWrites(s.servers.kestra)).toEqual([])
    expect(s.servers.github.comments(7)[0]!.body).toMatch(/1 to create|to update/)
  })

  it('a run of a head the pull request moved past deploys nothing', async () => {
    const s = await stage()
    const newer = s.repo.commit({ [`${NS}/flows/orders.yml`]: flow(NS, 'orders', ' (newer)') })
    publish(s.servers.github, s.repo)
    const stale = await preview(s, s.head)
    expect(stale.exitCode, stale.stdout + stale.stderr).toBe(0)
    expect(stale.annotations.find((a) => a.severity === 'notice')?.message).toContain(
      `has moved on to ${newer.slice(0, 7)}`
    )
    expect(kestraWrites(s.servers.kestra)).toEqual([])
  })

  it('a deploy whose writes land after the close removes its preview again', async () => {
    const s = await stage()
    // The deploy passes its checks, then its first write waits until the close has run to the end.
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    s.servers.kestra.inject({ route: WRITE_ROUTES, holdUntil: released })
    const deploying = preview(s)
    const held = async () => {
      while (!s.servers.kestra.requests.some((r) => WRITE_ROUTES.includes(r.route))) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    await held()
    closeOnGitHub(s)
    const closed = await close(s)
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0)
    release()
    const late = await deploying
    expect(late.annotations.map((a) => a.message)).toContain(
      'Preview: pull request #7 closed while its preview deployed; the preview is removed again.'
    )
    expect(byNamespace(s, inPrefix(PREFIX))).toEqual({})
    expect(s.servers.kestra.executions()).toEqual([])
    expect(s.servers.github.comments(7)[0]!.body).toContain('Preview removed')
  })
})
