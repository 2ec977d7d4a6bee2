import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { client, REPO } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
let repo: GitRepo
const api = client(() => fake)
const DRIFT = 'kestra-gitops/drift-main'

async function start(
  actionsCanCreatePullRequests = true,
  commenter?: { login: string; type: 'User' | 'Bot' }
) {
  fake = await startFakeGitHub({ actionsCanCreatePullRequests, commenter })
  fake.seedFromRepository(repo.dir)
}

beforeEach(() => {
  repo = createGitRepo({ 'flows/a.yml': 'id: a\n' })
  repo.git('checkout', '-q', '-b', DRIFT)
  repo.commit({ 'flows/a.yml': 'id: a\nedited: in the UI\n' })
  repo.git('checkout', '-q', '-b', 'empty', 'main')
  repo.git('checkout', '-q', 'main')
})
afterEach(() => fake.close())

const open = (body: Record<string, unknown>) => api('POST', `${REPO}/pulls`, body)

describe('fake GitHub: pull requests for a drift branch', () => {
  it('refuses the workflow token with 403 while Actions may not create pull requests (the default)', async () => {
    await start(false)
    const refused = await open({ title: 'Drift', head: DRIFT, base: 'main' })
    expect(refused.status).toBe(403)
    expect(refused.body.message).toBe(
      'GitHub Actions is not permitted to create or approve pull requests.'
    )
  })

  it('lets any other token create one: the setting binds the workflow token only', async () => {
    await start(false, { login: 'octocat', type: 'User' })
    const created = await open({ title: 'Drift', head: DRIFT, base: 'main' })
    expect(created.status).toBe(201)
    expect(created.body.user).toMatchObject({ login: 'octocat' })
  })

  it("a token the fake knows acts as its own user, with its own permissions, in the same run as the workflow's", async () => {
    const app = { login: 'kestra-gitops-app[bot]', type: 'Bot' as const }
    fake = await startFakeGitHub({
      actionsCanCreatePullRequests: false,
      permissions: { 'pull-requests': 'read' },
      tokens: { ghs_app: { user: app, permissions: { 'pull-requests': 'write' } } }
    })
    fake.seedFromRepository(repo.dir)
    const as = async (token: string) =>
      fetch(`${fake.url}${REPO}/pulls`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Drift', head: DRIFT, base: 'main' })
      })
    expect((await as('ghs_test')).status).toBe(403) // the workflow's token: read only
    const created = await as('ghs_app')
    expect(created.status).toBe(201)
    expect(((await created.json()) as { user: unknown }).user).toEqual(app)
    // The log says who acted, never the token.
    expect(fake.requests.map((r) => r.actor)).toEqual(['github-actions[bot]', app.login])
    expect(JSON.stringify(fake.requests)).not.toContain('ghs_')
  })

  it('shows the head branch as it is now while open, and keeps the commit it had once closed', async () => {
    await start()
    const { number } = (await open({ title: 't', head: DRIFT, base: 'main' })).body
    const first = repo.git('rev-parse', DRIFT)
    repo.git('checkout', '-q', DRIFT)
    const second = repo.commit({ 'flows/b.yml': 'id: b\n' })
    repo.git('checkout', '-q', 'main')
    fake.seedFromRepository(repo.dir)
    expect(second).not.toBe(first)
    const read = async () => (await api('GET', `${REPO}/pulls/${number}`)).body.head.sha
    expect(await read()).toBe(second)
    const [listed] = (await api('GET', `${REPO}/pulls?head=octo:${DRIFT}`)).body
    expect(listed.head.sha).toBe(second)
    await api('PATCH', `${REPO}/pulls/${number}`, { state: 'closed' })
    repo.git('checkout', '-q', DRIFT)
    repo.commit({ 'flows/c.yml': 'id: c\n' })
    repo.git('checkout', '-q', 'main')
    fake.seedFromRepository(repo.dir)
    expect(await read()).toBe(second)
  })

  it('creates one (201) from `owner:branch` or a bare branch, numbered after the issues', async () => {
    await start()
    await api('POST', `${REPO}/issues`, { title: 'drift' })
    const created = await open({
      title: 'Bring UI edits back',
      body: 'From Kestra',
      head: `octo:${DRIFT}`,
      base: 'main'
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      number: 2,
      state: 'open',
      draft: false,
      title: 'Bring UI edits back',
      body: 'From Kestra',
      head: { ref: DRIFT, label: `octo:${DRIFT}`, sha: repo.git('rev-parse', DRIFT) },
      base: { ref: 'main', sha: repo.git('rev-parse', 'main') },
      html_url: 'https://github.com/octo/kestra-repo/pull/2',
      user: { login: 'github-actions[bot]' }
    })
  })

  it('answers 422 for a second open one, no commits between, or an unknown head or base', async () => {
    await start()
    await open({ title: 't', head: DRIFT, base: 'main' })
    const again = await open({ title: 't', head: DRIFT, base: 'main' })
    expect(again.status).toBe(422)
    expect(again.body.errors).toEqual([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for octo:${DRIFT}.`
      }
    ])
    const nothing = await open({ title: 't', head: 'empty', base: 'main' })
    expect(nothing.body.errors[0].message).toBe('No commits between main and empty')
    for (const [body, field] of [
      [{ title: 't', head: 'nope', base: 'main' }, 'head'],
      [{ title: 't', head: `stranger:${DRIFT}`, base: 'main' }, 'head'],
      [{ title: 't', head: DRIFT, base: 'nope' }, 'base']
    ] as const) {
      const answer = await open(body)
      expect([answer.status, answer.body.errors]).toEqual([
        422,
        [{ resource: 'PullRequest', field, code: 'invalid' }]
      ])
    }
    expect((await open({ head: DRIFT, base: 'main' })).body.errors[0]).toMatchObject({
      code: 'missing_field',
      field: 'title'
    })
  })

  it('lists by state, `owner:branch` head and base; a head without owner filters nothing', async () => {
    await start()
    const { number } = (await open({ title: 't', head: DRIFT, base: 'main' })).body
    const list = async (query: string) =>
      (await api('GET', `${REPO}/pulls${query}`)).body.map((p: { number: number }) => p.number)
    expect(await list(`?head=octo:${DRIFT}&base=main`)).toEqual([number])
    expect(await list('?head=octo:other')).toEqual([])
    expect(await list('?head=other')).toEqual([number])
    expect(await list('?base=other')).toEqual([])
    await api('PATCH', `${REPO}/pulls/${number}`, { state: 'closed' })
    expect(await list(`?head=octo:${DRIFT}`)).toEqual([])
    expect(await list(`?head=octo:${DRIFT}&state=closed`)).toEqual([number])
    expect(await list('?state=all')).toEqual([number])
  })

  it('updates title, body and state (422 for an unknown state, 404 for an unknown number)', async () => {
    await start()
    const { number } = (await open({ title: 't', head: DRIFT, base: 'main' })).body
    const updated = await api('PATCH', `${REPO}/pulls/${number}`, {
      title: 'Drift: 1 flow',
      body: 'new body',
      state: 'closed'
    })
    expect(updated.body).toMatchObject({
      title: 'Drift: 1 flow',
      body: 'new body',
      state: 'closed'
    })
    expect(updated.body.closed_at).not.toBeNull()
    const reopened = await api('PATCH', `${REPO}/pulls/${number}`, { state: 'open' })
    expect(reopened.body).toMatchObject({ state: 'open', closed_at: null })
    expect((await api('PATCH', `${REPO}/pulls/${number}`, { state: 'merged' })).status).toBe(422)
    expect((await api('PATCH', `${REPO}/pulls/999`, { title: 'x' })).status).toBe(404)
    expect((await api('GET', `${REPO}/pulls/${number}`)).body.title).toBe('Drift: 1 flow')
  })
})
