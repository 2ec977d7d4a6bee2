import { afterEach, describe, expect, it } from 'vitest'
import {
  startFakeGitHub,
  type FakeGitHub,
  type TokenPermissions
} from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { client, REPO } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
const api = client(() => fake)
afterEach(() => fake.close())

async function start(permissions: TokenPermissions) {
  fake = await startFakeGitHub({ permissions, actionsCanCreatePullRequests: true })
  fake.seedFromRepository(createGitRepo({ 'a.yml': 'a\n' }).dir)
}

const NOT_ACCESSIBLE = 'Resource not accessible by integration'

describe('fake GitHub: the workflow token permissions', () => {
  it('answers 403 "Resource not accessible by integration" for writes the token may not make', async () => {
    const cases: [TokenPermissions, string, string, unknown][] = [
      [{ deployments: 'read' }, 'POST', '/deployments', { ref: 'main' }],
      [{ deployments: 'read' }, 'POST', '/deployments/1/statuses', { state: 'success' }],
      [{ issues: 'read' }, 'POST', '/issues', { title: 'x' }],
      [{ issues: 'read' }, 'PATCH', '/issues/1', { state: 'closed' }],
      [{ contents: 'read' }, 'POST', '/git/blobs', { content: 'x' }],
      [{ contents: 'read' }, 'POST', '/git/trees', { tree: [] }],
      [{ contents: 'read' }, 'POST', '/git/commits', { message: 'm', tree: 'x' }],
      [{ contents: 'read' }, 'POST', '/git/refs', { ref: 'refs/heads/x', sha: 'x' }],
      [{ contents: 'read' }, 'PATCH', '/git/refs/heads/main', { sha: 'x' }],
      [{ 'pull-requests': 'read' }, 'POST', '/pulls', { title: 't', head: 'a', base: 'main' }],
      [{ 'pull-requests': 'read' }, 'PATCH', '/pulls/1', { title: 't' }],
      [{ issues: 'read', 'pull-requests': 'read' }, 'POST', '/issues/1/comments', { body: 'x' }]
    ]
    for (const [permissions, method, path, body] of cases) {
      await start(permissions)
      const answer = await api(method, REPO + path, body)
      expect([method, path, answer.status, answer.body.message]).toEqual([
        method,
        path,
        403,
        NOT_ACCESSIBLE
      ])
      expect(answer.body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\/rest\//)
      await fake.close()
    }
    fake = await startFakeGitHub()
  })

  it('answers 403 for reads without the permission, environments needing actions: read', async () => {
    const cases: [TokenPermissions, string][] = [
      [{ actions: 'none' }, '/environments'],
      [{ deployments: 'none' }, '/deployments'],
      [{ issues: 'none' }, '/issues'],
      [{ contents: 'none' }, '/git/ref/heads/main'],
      [{ 'pull-requests': 'none' }, '/pulls']
    ]
    for (const [permissions, path] of cases) {
      await start(permissions)
      expect([path, (await api('GET', REPO + path)).status]).toEqual([path, 403])
      await fake.close()
    }
    await start({ actions: 'none', contents: 'none', deployments: 'read' })
    expect((await api('GET', REPO)).status).toBe(200)
    expect((await api('GET', `${REPO}/deployments`)).status).toBe(200)
  })

  it('lets issue comments through with either issues or pull-requests write', async () => {
    await start({ issues: 'read' })
    expect((await api('POST', `${REPO}/issues/7/comments`, { body: 'x' })).status).toBe(201)
    fake.setPermissions({ 'pull-requests': 'read' })
    expect((await api('POST', `${REPO}/issues/7/comments`, { body: 'x' })).status).toBe(201)
  })

  it('refuses every write with forbidWrites, as a fork pull request read-only token', async () => {
    await start({})
    fake.forbidWrites(true)
    expect((await api('POST', `${REPO}/issues`, { title: 'x' })).status).toBe(403)
    expect((await api('GET', `${REPO}/issues`)).status).toBe(200)
  })

  it('knows only its own repository and a token; records every request, refused ones included', async () => {
    await start({ deployments: 'read' })
    expect((await api('GET', '/repos/someone/else/issues')).status).toBe(404)
    const anonymous = await fetch(`${fake.url}${REPO}/issues`)
    expect(anonymous.status).toBe(401)
    await api('POST', `${REPO}/deployments`, { ref: 'main', environment: 'staging' })
    expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/repos/someone/else/issues', 404],
      ['GET', `${REPO}/issues`, 401],
      ['POST', `${REPO}/deployments`, 403]
    ])
    expect(fake.requests[2].body).toEqual({ ref: 'main', environment: 'staging' })
  })
})
