/**
 * `node dist/index.js` on pull_request against the Kestra emulator and a fake GitHub API.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const READ_ROUTES = new Set([
  'configs',
  'flows.list',
  'flows.export.by-ids',
  'namespaces.files.export',
  'flows.validate',
  'flows.get',
  'namespaces.files.get',
  // What the review reads (docs/caught-at-review.md#requests): names and executions, never a value.
  'executions.search',
  'secrets.list',
  'namespaces.secrets.list',
  'namespaces.secrets.inherited',
  'kv.search',
  // Each namespace's commit marker, for the flow checks it stores (docs/performance.md#incremental-planning).
  'kv.get',
  'kv.list',
  'kv.inheritance'
])

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

function seedServer(): void {
  kestra.seed({
    flows: [
      { namespace: NS, id: 'keep', source: flow(NS, 'keep') },
      { namespace: NS, id: 'change', source: flow(NS, 'change'), revisions: 4 },
      { namespace: NS, id: 'removed', source: flow(NS, 'removed') }
    ],
    files: [{ namespace: NS, path: '/scripts/a.py', content: 'print("a")\n' }]
  })
}

function planRun(sha: string, extra: { inputs?: Record<string, string>; fork?: boolean } = {}) {
  return runAction({
    ...pullRequestEvent(repo, base, sha, { fork: extra.fork }),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...extra.inputs }
  })
}

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  seedServer()
  repo = createGitRepo({
    [`${NS}/flows/keep.yml`]: flow(NS, 'keep'),
    [`${NS}/flows/change.yml`]: flow(NS, 'change'),
    [`${NS}/flows/removed.yml`]: flow(NS, 'removed'),
    [`${NS}/files/scripts/a.py`]: 'print("a")\n'
  })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({
    [`${NS}/flows/change.yml`]: flow(NS, 'change', ' (now better)'),
    [`${NS}/flows/new.yml`]: flow(NS, 'new'),
    [`${NS}/flows/removed.yml`]: null,
    [`${NS}/files/scripts/b.py`]: 'print("b")\n'
  })
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

describe('plan on a pull request, end to end', () => {
  it('posts one sticky comment with the plan, writes nothing to Kestra, and sets the outputs', async () => {
    kestra.clearLog()
    const result = await planRun(head)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)

    const comments = github.comments(7)
    expect(comments).toHaveLength(1)
    const body = comments[0]!.body
    expect(body.split('\n')[0]).toBe('<!-- kestra-gitops:default -->')
    expect(body).toContain('2 to create')
    expect(body).toContain('1 to update')
    expect(body).toContain('0 to delete')
    expect(body).toContain('2 unchanged')
    expect(body).toContain('1 orphaned')
    expect(body).toContain('company.team.new') // created flow
    expect(body).toContain('/scripts/b.py') // new namespace file
    expect(body).toContain('company.team.removed') // orphaned while delete is false
    expect(body).toContain('+    message: hello from change (now better)') // the update's diff
    expect(body).toContain('-    message: hello from change')
    expect(body).toMatch(
      /<!-- kestra-gitops-plan: \{"fingerprint":"[0-9a-f]{64}","commit":"[0-9a-f]{40}"(,"settings":\{.*\},"changes":\[.*\])?\} -->/
    )

    expect(result.outputs).toMatchObject({
      mode: 'plan',
      'has-changes': 'true',
      created: '2',
      updated: '1',
      deleted: '0',
      unchanged: '2',
      orphaned: '1',
      errors: '0',
      deployed: 'false',
      'comment-url': comments[0]!.html_url
    })
    expect(result.outputs['plan-fingerprint']).toMatch(/^[0-9a-f]{64}$/)
    const planFile = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8'))
    expect(planFile).toMatchObject({
      version: 1,
      mode: 'plan',
      tenant: 'main',
      commit: head,
      fingerprint: result.outputs['plan-fingerprint']
    })
    expect(planFile.resources).toContainEqual({
      kind: 'flow',
      namespace: NS,
      id: 'change',
      action: 'update',
      revision: 4
    })
    expect(result.summary).toContain('company.team.new')

    const writes = kestra.requests.filter((r) => !READ_ROUTES.has(r.route))
    expect(writes, 'plan mode must not write to Kestra').toEqual([])
  })

  it('updates the same comment after another commit, and gives identical text for identical inputs', async () => {
    const first = { ...github.comments(7)[0]! }
    const next = repo.commit({ [`${NS}/flows/new.yml`]: flow(NS, 'new', ' again') })
    const second = await planRun(next)
    expect(second.exitCode).toBe(0)
    const afterSecond = github.comments(7)
    expect(afterSecond).toHaveLength(1)
    expect(afterSecond[0]!.id).toBe(first.id)
    expect(afterSecond[0]!.body).toContain('hello from new again')
    expect(afterSecond[0]!.body).not.toBe(first.body)

    const third = await planRun(next)
    expect(third.exitCode).toBe(0)
    expect(github.comments(7)[0]!.body).toBe(afterSecond[0]!.body)
    expect(third.outputs['plan-fingerprint']).toBe(second.outputs['plan-fingerprint'])
  })

  it('warns, and still reports, when the token cannot comment (fork pull request)', async () => {
    github.forbidWrites(true)
    try {
      const result = await planRun(head, { fork: true })
      expect(result.exitCode, result.stdout).toBe(0)
      const warning = result.annotations.find(
        (a) => a.severity === 'warning' && /comment/i.test(a.message)
      )
      expect(warning?.message).toMatch(/pull-requests: write/)
      expect(result.summary).toContain('company.team.new')
      expect(result.outputs['comment-url'] ?? '').toBe('')
    } finally {
      github.forbidWrites(false)
    }
  })

  it('runs only the local validation on a fork pull request without credentials, and says so', async () => {
    kestra.clearLog()
    const result = await planRun(head, { fork: true, inputs: { username: '', password: '' } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.mode).toBe('validate')
    expect(result.summary).toMatch(/fork/)
    expect(kestra.requests).toEqual([])
  })

  it('writes no comment with comment: false', async () => {
    const before = github.requests.length
    const result = await planRun(head, { inputs: { comment: 'false', 'comment-key': 'silent' } })
    expect(result.exitCode).toBe(0)
    expect(github.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([])
    expect(existsSync(result.outputs['plan-file']!)).toBe(true)
  })

  it('reads the base version through the contents API when history is shallow, and flags drift', async () => {
    // A base commit the workspace does not have (shallow checkout): changed files and base content come from GitHub.
    const shallowBase = 'f'.repeat(40)
    github.setPullFiles(8, [
      `${NS}/flows/change.yml`,
      `${NS}/flows/new.yml`,
      `${NS}/flows/removed.yml`,
      `${NS}/files/scripts/b.py`
    ])
    github.setContent(
      shallowBase,
      `${NS}/flows/change.yml`,
      flow(NS, 'change', ' (as merged before)')
    )
    const event = pullRequestEvent(repo, shallowBase, head, { number: 8 })
    const result = await runAction({
      ...event,
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.drifted).toBe('1')
    const body = github.comments(8)[0]!.body
    expect(body).toMatch(/company\.team\.change[^\n]*drifted/)
    expect(github.requests.some((r) => r.path.endsWith(`/contents/${NS}/flows/change.yml`))).toBe(
      true
    )
  })
})
