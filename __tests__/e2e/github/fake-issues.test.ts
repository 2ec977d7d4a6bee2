import { afterEach, describe, expect, it } from 'vitest'
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions
} from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { client, REPO, type Json } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
const api = client(() => fake)
afterEach(() => fake.close())

async function start(options: FakeGitHubOptions = {}) {
  fake = await startFakeGitHub(options)
}

const numbers = (items: Json[]) => items.map((item: { number: number }) => item.number)

describe('fake GitHub: issues', () => {
  it('creates an issue (201) with its labels as objects, open, no state reason', async () => {
    await start()
    const created = await api('POST', `${REPO}/issues`, {
      title: 'Kestra drift: 2 resources',
      body: '| flow | diff |',
      labels: ['kestra-drift', { name: 'ops' }, 'kestra-drift']
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      number: 1,
      title: 'Kestra drift: 2 resources',
      body: '| flow | diff |',
      state: 'open',
      state_reason: null,
      closed_at: null,
      comments: 0,
      user: { login: 'github-actions[bot]' },
      html_url: 'https://github.com/octo/kestra-repo/issues/1'
    })
    expect(created.body.labels.map((l: { name: string }) => l.name)).toEqual([
      'kestra-drift',
      'ops'
    ])
    expect((await api('GET', `${REPO}/issues/1`)).body.title).toBe('Kestra drift: 2 resources')
  })

  it('refuses an issue without title (422), a body over 65,536 characters (422), an unknown number (404)', async () => {
    await start()
    const untitled = await api('POST', `${REPO}/issues`, { body: 'x' })
    expect(untitled.status).toBe(422)
    expect(untitled.body.message).toBe('Invalid request.\n\n"title" wasn\'t supplied.')
    const long = await api('POST', `${REPO}/issues`, { title: 't', body: 'x'.repeat(65537) })
    expect(long.status).toBe(422)
    expect(long.body.errors[0]).toMatchObject({ resource: 'Issue', field: 'body' })
    expect((await api('PATCH', `${REPO}/issues/9`, { state: 'closed' })).status).toBe(404)
    expect((await api('GET', `${REPO}/issues/9`)).status).toBe(404)
  })

  it('updates title, body and labels; closing says completed unless told, reopening says reopened', async () => {
    await start()
    await api('POST', `${REPO}/issues`, { title: 'a', labels: ['x'] })
    const edited = await api('PATCH', `${REPO}/issues/1`, {
      title: 'b',
      body: 'new',
      labels: ['y'],
      state_reason: 'not_planned'
    })
    expect(edited.body).toMatchObject({
      title: 'b',
      body: 'new',
      state: 'open',
      state_reason: null
    })
    expect(edited.body.labels.map((l: { name: string }) => l.name)).toEqual(['y'])
    const closed = await api('PATCH', `${REPO}/issues/1`, { state: 'closed' })
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(closed.body.closed_at).toBe(closed.body.updated_at)
    const reopened = await api('PATCH', `${REPO}/issues/1`, { state: 'open' })
    expect(reopened.body).toMatchObject({
      state: 'open',
      state_reason: 'reopened',
      closed_at: null
    })
    const dropped = await api('PATCH', `${REPO}/issues/1`, {
      state: 'closed',
      state_reason: 'not_planned'
    })
    expect(dropped.body.state_reason).toBe('not_planned')
    const wrong = await api('PATCH', `${REPO}/issues/1`, { state: 'done' })
    expect(wrong.status).toBe(422)
    expect(wrong.body.message).toContain('"done" is not one of ["open", "closed"]')
  })

  it('lists open issues by default, pull requests included and marked, newest first, by state and labels', async () => {
    await start({ actionsCanCreatePullRequests: true })
    const repo = createGitRepo({ 'a.yml': 'a\n' })
    repo.git('checkout', '-q', '-b', 'feature')
    repo.commit({ 'a.yml': 'b\n' })
    fake.seedFromRepository(repo.dir)
    await api('POST', `${REPO}/issues`, { title: 'one', labels: ['drift', 'ops'] })
    await api('POST', `${REPO}/issues`, { title: 'two', labels: ['drift'] })
    await api('POST', `${REPO}/pulls`, { title: 'pr', head: 'feature', base: 'main' })
    await api('PATCH', `${REPO}/issues/1`, { state: 'closed' })
    const open = await api('GET', `${REPO}/issues`)
    expect(numbers(open.body)).toEqual([3, 2])
    expect(open.body[0].pull_request.html_url).toBe('https://github.com/octo/kestra-repo/pull/3')
    expect(open.body[1]).not.toHaveProperty('pull_request')
    expect(numbers((await api('GET', `${REPO}/issues?state=all`)).body)).toEqual([3, 2, 1])
    expect(numbers((await api('GET', `${REPO}/issues?state=closed`)).body)).toEqual([1])
    const labelled = await api('GET', `${REPO}/issues?state=all&labels=drift,ops`)
    expect(numbers(labelled.body)).toEqual([1])
    expect(numbers((await api('GET', `${REPO}/issues?direction=asc`)).body)).toEqual([2, 3])
    const paged = await api('GET', `${REPO}/issues?state=all&per_page=1&page=2`)
    expect(numbers(paged.body)).toEqual([2])
    expect(paged.headers.get('link')).toContain('rel="prev"')
  })

  it('counts the comments of an issue and links them under /issues/', async () => {
    await start()
    await api('POST', `${REPO}/issues`, { title: 'drift' })
    const comment = await api('POST', `${REPO}/issues/1/comments`, { body: 'gone now' })
    expect(comment.status).toBe(201)
    expect(comment.body.html_url).toMatch(/\/issues\/1#issuecomment-\d+$/)
    expect((await api('GET', `${REPO}/issues/1`)).body.comments).toBe(1)
    expect((await api('GET', `${REPO}/issues/1/comments`)).body[0].body).toBe('gone now')
  })

  it('answers 410 when the repository has issues turned off', async () => {
    await start({ hasIssues: false })
    const created = await api('POST', `${REPO}/issues`, { title: 'x' })
    expect(created.status).toBe(410)
    expect(created.body.message).toBe('Issues are disabled for this repo')
  })
})
