import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createOctokit } from '../../../src/adapters/github/octokit.js'
import type { GitHubPort } from '../../../src/model/github.js'
import { createGitHub } from '../../../src/adapters/github/rest-github.js'
import { commentMarker } from '../../../src/model/markdown/comment-markers.js'
import { TRUNCATION_NOTE } from '../../../src/adapters/github/sticky-comment.js'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'

const MARKER = commentMarker('default')
const PR = 7
const REPO = { owner: 'octo', repo: 'kestra-repo' }

let fake: FakeGitHub
let github: GitHubPort

async function port(options: { throttle?: boolean; log?: (message: string) => void } = {}) {
  const octokit = await createOctokit('ghs_test', {
    baseUrl: fake.url,
    throttle: false,
    ...options
  })
  return createGitHub(octokit, REPO)
}

function calls(method: string, pattern: RegExp) {
  return fake.requests.filter((r) => r.method === method && pattern.test(r.path))
}

/**
 * What `run` gives and how long it waited, on a clock (setTimeout and Date) that the rate limiter's waits (the
 * retry-after of a limit, a second between two writes) run ahead of real time, the fake GitHub answering as it
 * does.
 */
async function waitedOut<T>(run: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  try {
    const start = Date.now()
    let settled = false
    const result = run().finally(() => (settled = true))
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve))
      await vi.advanceTimersByTimeAsync(50)
    }
    return { value: await result, waitedMs: Date.now() - start }
  } finally {
    vi.useRealTimers()
  }
}

beforeEach(async () => {
  fake = await startFakeGitHub()
  github = await port()
})
afterEach(() => fake.close())

describe('upsertStickyComment', () => {
  it('creates the comment, then updates the same one in place', async () => {
    const first = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan A`)
    expect(first).toMatchObject({ status: 'created' })
    const second = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan B`)
    expect(second).toMatchObject({ status: 'updated' })
    if (first.status === 'forbidden' || second.status === 'forbidden') throw new Error('forbidden')
    expect(second.id).toBe(first.id)
    expect(second.url).toContain(`#issuecomment-${first.id}`)
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nplan B`])
  })

  it('puts the marker on the first line when the body lacks it', async () => {
    await github.upsertStickyComment(PR, MARKER, 'plan A')
    expect(fake.comments(PR)[0].body).toBe(`${MARKER}\nplan A`)
    await github.upsertStickyComment(PR, MARKER, 'plan B')
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nplan B`])
  })

  it('finds the marker on page 3 of 250 comments and updates it', async () => {
    const seeded = fake.seedComments(
      PR,
      Array.from({ length: 250 }, (_, i) => ({
        body: i === 230 ? `${MARKER}\nold plan` : `chatter ${i}`,
        user: i % 2 ? { login: 'octocat', type: 'User' as const } : undefined
      }))
    )
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nnew plan`)
    expect(outcome).toMatchObject({ status: 'updated', id: seeded[230].id })
    expect(fake.comments(PR)).toHaveLength(250)
    expect(fake.comments(PR)[230].body).toBe(`${MARKER}\nnew plan`)
    expect(calls('POST', /comments$/)).toHaveLength(0)
    const pages = calls('GET', /\/issues\/7\/comments$/).map((r) => r.query.page ?? '1')
    expect(pages).toEqual(['1', '2', '3'])
  })

  it("ignores another user's comment that carries the marker", async () => {
    const [octocats] = fake.seedComments(PR, [
      { body: `${MARKER}\nI copied your marker`, user: { login: 'octocat', type: 'User' } }
    ])
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan`)
    expect(outcome).toMatchObject({ status: 'created' })
    expect(fake.comments(PR).map((c) => [c.user.login, c.body])).toEqual([
      ['octocat', `${MARKER}\nI copied your marker`],
      ['github-actions[bot]', `${MARKER}\nplan`]
    ])
    expect(await github.findStickyComment(PR, MARKER)).not.toMatchObject({ id: octocats.id })
  })

  it("never edits, deletes or reads another App's comment that carries the marker, before or after ours", async () => {
    const app = { login: 'other-app[bot]', type: 'Bot' as const }
    const [before] = fake.seedComments(PR, [{ body: `${MARKER}\nthe other App's text`, user: app }])
    expect(await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan A`)).toMatchObject({
      status: 'created'
    })
    const [after] = fake.seedComments(PR, [{ body: `${MARKER}\nits later one`, user: app }])
    const ours = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan B`)
    expect(ours).toMatchObject({ status: 'updated' })
    expect(fake.comments(PR).map((c) => [c.user.login, c.body])).toEqual([
      ['other-app[bot]', `${MARKER}\nthe other App's text`],
      ['github-actions[bot]', `${MARKER}\nplan B`],
      ['other-app[bot]', `${MARKER}\nits later one`]
    ])
    expect((await github.stickyComments(PR, MARKER)).map((c) => c.id)).toEqual([
      (ours as { id: number }).id
    ])
    const touched = fake.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE')
    expect(touched.map((r) => r.path)).not.toContain(
      `/repos/octo/kestra-repo/issues/comments/${before.id}`
    )
    expect(touched.map((r) => r.path)).not.toContain(
      `/repos/octo/kestra-repo/issues/comments/${after.id}`
    )
  })

  it("with an App's installation token, GITHUB_TOKEN's comment is someone else's", async () => {
    await fake.close()
    const app = { login: 'kestra-gitops-app[bot]', type: 'Bot' as const }
    fake = await startFakeGitHub({ commenter: app })
    github = await port()
    fake.seedComments(PR, [{ body: `${MARKER}\nby the workflow's token` }])
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nby the App`)
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nby the App, again`)
    expect(fake.comments(PR).map((c) => [c.user.login, c.body])).toEqual([
      ['github-actions[bot]', `${MARKER}\nby the workflow's token`],
      ['kestra-gitops-app[bot]', `${MARKER}\nby the App, again`]
    ])
    // GraphQL's viewer says who an App's token is; GET /user would refuse it.
    expect(calls('POST', /^\/graphql$/)).toHaveLength(1)
    expect(calls('GET', /^\/user$/)).toHaveLength(0)
  })

  it('when GitHub will not say who the token is, touches no existing comment and learns it from the one it creates', async () => {
    fake.seedComments(PR, [
      { body: `${MARKER}\nanother App's`, user: { login: 'other-app[bot]', type: 'Bot' } }
    ])
    fake.failNext({ method: 'POST', path: '/graphql', status: 403, times: 10 })
    const first = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan A`)
    expect(first).toMatchObject({ status: 'created' })
    const second = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan B`)
    expect(second).toMatchObject({ status: 'updated', id: (first as { id: number }).id })
    expect(fake.comments(PR).map((c) => c.body)).toEqual([
      `${MARKER}\nanother App's`,
      `${MARKER}\nplan B`
    ])
  })

  it('ignores a bot comment whose marker is not on the first line or has another key', async () => {
    fake.seedComments(PR, [
      { body: `quoting:\n${MARKER}` },
      { body: `${commentMarker('prod')}\nprod plan` }
    ])
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan`)
    expect(fake.comments(PR).map((c) => c.body)).toEqual([
      `quoting:\n${MARKER}`,
      `${commentMarker('prod')}\nprod plan`,
      `${MARKER}\nplan`
    ])
  })

  it('sends no PATCH when the body is unchanged', async () => {
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nsame`)
    const again = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nsame`)
    expect(again).toMatchObject({ status: 'unchanged' })
    expect(calls('PATCH', /./)).toHaveLength(0)
  })

  it('leaves exactly one comment when two runs race', async () => {
    const other = await port()
    const [a, b] = await Promise.all([
      github.upsertStickyComment(PR, MARKER, `${MARKER}\nrun A`),
      other.upsertStickyComment(PR, MARKER, `${MARKER}\nrun B`)
    ])
    const left = fake.comments(PR)
    expect(left).toHaveLength(1)
    expect(calls('POST', /comments$/)).toHaveLength(2)
    expect(calls('DELETE', /./).length).toBeGreaterThan(0)
    for (const outcome of [a, b]) expect(outcome).toMatchObject({ id: left[0].id })
    expect(left[0].body).toMatch(/run [AB]$/)
  })

  it('deletes duplicates left by an earlier race, keeping the oldest', async () => {
    const [oldest] = fake.seedComments(PR, [{ body: `${MARKER}\none` }, { body: `${MARKER}\ntwo` }])
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nthree`)
    expect(outcome).toMatchObject({ status: 'updated', id: oldest.id })
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nthree`])
  })

  it('rewrites a comment seen earlier in the run without listing the comments again', async () => {
    fake.seedComments(PR, [{ body: `${MARKER}\nold plan` }])
    const seen = await github.stickyComments(PR, MARKER)
    const listings = calls('GET', /\/comments$/).length
    let told = 0
    const outcome = await github.upsertStickyComment(
      PR,
      MARKER,
      `${MARKER}\nnew plan`,
      seen,
      () => told++
    )
    expect(outcome).toMatchObject({ status: 'updated', id: seen[0].id })
    expect(calls('GET', /\/comments$/)).toHaveLength(listings)
    expect(told).toBe(1)
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nnew plan`])
  })

  it('deletes the duplicates it saw while rewriting the oldest', async () => {
    const [oldest] = fake.seedComments(PR, [{ body: `${MARKER}\none` }, { body: `${MARKER}\ntwo` }])
    const seen = await github.stickyComments(PR, MARKER)
    expect(seen.map((c) => c.id)[0]).toBe(oldest.id)
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nthree`, seen)
    expect(outcome).toMatchObject({ status: 'updated', id: oldest.id })
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nthree`])
  })

  it('creates the comment afresh when the one it saw was deleted since', async () => {
    fake.seedComments(PR, [{ body: `${MARKER}\nold plan` }])
    const seen = await github.stickyComments(PR, MARKER)
    fake.state.comments.set(PR, [])
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nnew plan`, seen)
    expect(outcome).toMatchObject({ status: 'created' })
    expect(outcome).not.toMatchObject({ id: seen[0].id })
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nnew plan`])
  })

  it('reads again before calling a seen comment unchanged: another run may have written since', async () => {
    fake.seedComments(PR, [{ body: `${MARKER}\nsame` }])
    const seen = await github.stickyComments(PR, MARKER)
    const other = await port()
    await other.upsertStickyComment(PR, MARKER, `${MARKER}\nother run`)
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nsame`, seen)
    expect(outcome).toMatchObject({ status: 'updated', id: seen[0].id })
    expect(fake.comments(PR).map((c) => c.body)).toEqual([`${MARKER}\nsame`])
  })

  it('tells when its first request leaves even when nothing needs writing', async () => {
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nsame`)
    let told = 0
    const again = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nsame`, [], () => told++)
    expect(again).toMatchObject({ status: 'unchanged' })
    expect(told).toBeGreaterThanOrEqual(1)
  })

  it('returns the remediation instead of throwing when the token is read-only', async () => {
    fake.forbidWrites(true)
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan`)
    expect(outcome.status).toBe('forbidden')
    if (outcome.status !== 'forbidden') return
    expect(outcome.message).toContain('permissions: pull-requests: write')
    expect(outcome.message).toContain("README 'Fork pull requests'")
    expect(fake.comments(PR)).toHaveLength(0)
  })

  it('treats a 404 on write (no access to the issue) as forbidden', async () => {
    fake.failNext({
      method: 'POST',
      path: `/repos/octo/kestra-repo/issues/${PR}/comments`,
      status: 404,
      body: { message: 'Not Found' }
    })
    const outcome = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan`)
    expect(outcome.status).toBe('forbidden')
  })

  it('retries once with a safely truncated body when GitHub says it is too long', async () => {
    const diff = Array.from({ length: 5000 }, (_, i) => `+ line ${i} ${'x'.repeat(20)}`).join('\n')
    const body = [
      MARKER,
      '## Plan',
      '<details><summary>flows/a.yml</summary>',
      '',
      '````diff',
      diff,
      '````',
      '</details>',
      '<!-- kestra-gitops-plan: {"fingerprint":"abc","commit":"def"} -->'
    ].join('\n')
    expect(body.length).toBeGreaterThan(65536)
    const outcome = await github.upsertStickyComment(PR, MARKER, body)
    expect(outcome).toMatchObject({ status: 'created' })
    expect(calls('POST', /comments$/).map((r) => r.status)).toEqual([422, 201])
    const posted = fake.comments(PR)[0].body
    expect(posted.length).toBeLessThanOrEqual(65536)
    expect(posted.startsWith(`${MARKER}\n## Plan`)).toBe(true)
    const lines = posted.split('\n')
    expect(lines.filter((l) => l === '````')).toHaveLength(1)
    expect(lines.indexOf('````')).toBeLessThan(lines.indexOf('</details>'))
    expect(posted).toContain(TRUNCATION_NOTE)
    expect(lines.at(-1)).toBe('<!-- kestra-gitops-plan: {"fingerprint":"abc","commit":"def"} -->')
  })

  it('waits out a secondary rate limit and succeeds', async () => {
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan A`)
    const logged: string[] = []
    const throttled = await port({ throttle: true, log: (m) => logged.push(m) })
    fake.failNext({
      method: 'PATCH',
      path: /\/issues\/comments\/\d+$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }
    })
    const { value: outcome, waitedMs } = await waitedOut(() =>
      throttled.upsertStickyComment(PR, MARKER, `${MARKER}\nplan B`)
    )
    expect(outcome).toMatchObject({ status: 'updated' })
    expect(waitedMs).toBeGreaterThanOrEqual(1000)
    expect(calls('PATCH', /./).map((r) => r.status)).toEqual([403, 200])
    expect(fake.comments(PR)[0].body).toBe(`${MARKER}\nplan B`)
    expect(logged.join('\n')).toMatch(/secondary rate limit.*retrying in 1 s/)
  })

  it("recognises a personal access token's own comments", async () => {
    await fake.close()
    const user = { login: 'deploy-bot-user', type: 'User' as const }
    fake = await startFakeGitHub({ commenter: user, viewer: user.login })
    github = await port()
    const [first] = fake.seedComments(PR, [{ body: `${MARKER}\nA`, user }])
    const second = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nB`)
    const third = await github.upsertStickyComment(PR, MARKER, `${MARKER}\nC`)
    expect(second).toMatchObject({ status: 'updated', id: first.id })
    expect(third).toMatchObject({ status: 'updated', id: first.id })
    // Asked once, and only once a comment carries the marker.
    expect(calls('POST', /^\/graphql$/)).toHaveLength(1)
  })
})

describe('findStickyComment and updateComment', () => {
  it('reads the comment and rewrites it (the Deployed section)', async () => {
    expect(await github.findStickyComment(PR, MARKER)).toBeUndefined()
    await github.upsertStickyComment(PR, MARKER, `${MARKER}\nplan`)
    const found = await github.findStickyComment(PR, MARKER)
    expect(found?.body).toBe(`${MARKER}\nplan`)
    const outcome = await github.updateComment(found!.id, `${found!.body}\n\n### Deployed`)
    expect(outcome).toMatchObject({ status: 'updated', id: found!.id })
    expect(fake.comments(PR)[0].body).toBe(`${MARKER}\nplan\n\n### Deployed`)
  })

  it('reports forbidden when the comment cannot be updated', async () => {
    const [comment] = fake.seedComments(PR, [{ body: `${MARKER}\nplan` }])
    fake.forbidWrites(true)
    expect(await github.updateComment(comment.id, 'x')).toMatchObject({ status: 'forbidden' })
  })
})
