/**
 * The GitHub side under stress — a token that may not comment, a crowded PR, racing runs, a body
 * GitHub finds too long, rate limits — against the fake GitHub API. Always one well-formed comment at most.
 */
import { describe, expect, it } from 'vitest'
import type { FakeGitHub } from '../../../test-support/fake-github.js'
import { flow } from '../../../test-support/scenario.js'
import { BASE, CHANGE } from '../reliability/scenario.js'
import type { Tree } from '../../reliability/expected-state.js'
import { startStage, type Stage } from '../reliability/stage.js'
import { crashProblems, markdownProblems } from '../../security/checks.js'

const MARKER = '<!-- kestra-gitops:default -->'
const COMMENTS = /\/repos\/octo\/kestra-repo\/issues\/7\/comments$/
const TOO_LONG = {
  message: 'Validation Failed',
  errors: [
    {
      resource: 'IssueComment',
      code: 'custom',
      field: 'body',
      message: 'body is too long (maximum is 65536 characters)'
    }
  ]
}

async function withStage(test: (stage: Stage) => Promise<void>, change: Tree = CHANGE) {
  const stage = await startStage({ base: BASE, change })
  try {
    await test(stage)
  } finally {
    await stage.close()
  }
}

function ours(github: FakeGitHub) {
  return github.comments(7).filter((c) => c.body.split('\n')[0] === MARKER)
}

describe.concurrent('GitHub side', () => {
  it('403 on comments: warns with the permission to grant, still reports, does not fail', () =>
    withStage(async (stage) => {
      stage.github.forbidWrites(true)
      const result = await stage.plan()
      expect(crashProblems(result)).toEqual([])
      expect(result.exitCode, result.stdout).toBe(0)
      const warning = result.annotations.find((a) => a.severity === 'warning')
      expect(warning?.message).toMatch(/pull-requests: write/)
      expect(result.summary).toContain('4 to create')
      expect(result.outputs['comment-url'] ?? '').toBe('')
      expect(stage.github.comments(7)).toEqual([])
    }))

  it('finds its comment on page 3 of a PR with 250 other comments and updates it in place', () =>
    withStage(async (stage) => {
      const human = { login: 'reviewer', type: 'User' as const }
      stage.github.seedComments(
        7,
        Array.from({ length: 230 }, (_, i) => ({ body: `review note ${i}`, user: human }))
      )
      // A look-alike by a human must not be taken for ours.
      stage.github.seedComments(7, [{ body: `${MARKER}\nnot the bot`, user: human }])
      const [mine] = stage.github.seedComments(7, [{ body: `${MARKER}\nold plan` }])
      stage.github.seedComments(
        7,
        Array.from({ length: 20 }, (_, i) => ({ body: `later ${i}`, user: human }))
      )
      const result = await stage.plan()
      expect(result.exitCode, result.stdout).toBe(0)
      const all = stage.github.comments(7)
      expect(all).toHaveLength(252)
      expect(ours(stage.github).filter((c) => c.user.type === 'Bot')).toHaveLength(1)
      const updated = all.find((c) => c.id === mine!.id)!
      expect(updated.body).toContain('4 to create')
      expect(all.find((c) => c.body === `${MARKER}\nnot the bot`)).toBeDefined()
      expect(result.outputs['comment-url']).toBe(updated.html_url)
      const pages = stage.github.requests.filter((r) => r.method === 'GET' && COMMENTS.test(r.path))
      expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3'])
    }))

  it('two runs racing on the same PR leave exactly one comment', () =>
    withStage(async (stage) => {
      for (let round = 0; round < 3; round++) {
        // Both runs list the comments before either writes: both see the same state. With none yet, each
        // lists them again right before it creates one: neither creates before both have.
        stage.github.gate({ method: 'GET', path: COMMENTS, count: 2 })
        if (round === 0) stage.github.gate({ method: 'POST', path: COMMENTS, count: 2 })
        const mark = stage.github.requests.length
        const results = await Promise.all([stage.plan(), stage.plan()])
        for (const result of results) expect(result.exitCode, result.stdout).toBe(0)
        expect(ours(stage.github), `round ${round}`).toHaveLength(1)
        if (round === 0) {
          // Both created one; the newer was deleted.
          const writes = stage.github.requests.slice(mark).filter((r) => r.method !== 'GET')
          expect(writes.filter((r) => r.method === 'POST' && r.status === 201)).toHaveLength(2)
          expect(writes.filter((r) => r.method === 'DELETE' && r.status === 204)).toHaveLength(1)
        }
      }
      expect(markdownProblems(ours(stage.github)[0]!.body, MARKER)).toEqual([])
    }))

  it('a duplicate left by an earlier race is removed and the oldest comment kept', () =>
    withStage(async (stage) => {
      const [oldest, duplicate] = stage.github.seedComments(7, [
        { body: `${MARKER}\nplan from run A` },
        { body: `${MARKER}\nplan from run B` }
      ])
      const result = await stage.plan()
      expect(result.exitCode, result.stdout).toBe(0)
      expect(ours(stage.github).map((c) => c.id)).toEqual([oldest!.id])
      expect(stage.github.comments(7).find((c) => c.id === duplicate!.id)).toBeUndefined()
      expect(ours(stage.github)[0]!.body).toContain('4 to create')
    }))

  it('422 "body is too long": sends the comment again, shortened and well-formed', () =>
    withStage(async (stage) => {
      stage.github.failNext({ method: 'POST', path: COMMENTS, status: 422, body: TOO_LONG })
      const result = await stage.plan()
      expect(crashProblems(result)).toEqual([])
      expect(result.exitCode, result.stdout).toBe(0)
      const posts = stage.github.requests.filter((r) => r.method === 'POST')
      expect(posts.map((r) => r.status)).toEqual([422, 201])
      const [comment] = ours(stage.github)
      expect(comment).toBeDefined()
      expect(markdownProblems(comment!.body, MARKER)).toEqual([])
    }))

  it('a plan far over 65,536 characters still fits in one well-formed comment', () => {
    const big: Tree = {}
    for (let i = 0; i < 30; i++) {
      const lines = Array.from(
        { length: 400 },
        (_, k) => `      # step ${k} of flow ${i} ${'x'.repeat(60)}`
      )
      big[`company.team/flows/big${i}.yml`] = flow(
        'company.team',
        `big${i}`,
        `\n${lines.join('\n')}`
      )
    }
    return withStage(async (stage) => {
      const result = await stage.plan()
      expect(result.exitCode, result.stdout).toBe(0)
      expect(stage.github.requests.filter((r) => r.status === 422)).toEqual([])
      const [comment] = ours(stage.github)
      expect(comment!.body.length).toBeLessThanOrEqual(65_536)
      expect(markdownProblems(comment!.body, MARKER)).toEqual([])
      for (let i = 0; i < 30; i++) expect(comment!.body).toContain(`company.team.big${i}`)
      expect(comment!.body).toMatch(/full plan is in the job summary/)
    }, big)
  })

  it('secondary (429 + Retry-After) and primary (403, remaining 0) rate limits: waits, then comments', () =>
    withStage(async (stage) => {
      stage.github.failNext({
        method: 'GET',
        path: COMMENTS,
        status: 429,
        headers: { 'retry-after': '1' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
        }
      })
      stage.github.failNext({
        method: 'POST',
        path: COMMENTS,
        status: 403,
        headers: {
          'x-ratelimit-limit': '1000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1)
        },
        body: { message: 'API rate limit exceeded for installation ID 1.' }
      })
      const result = await stage.plan()
      expect(crashProblems(result)).toEqual([])
      expect(result.exitCode, result.stdout).toBe(0)
      const statuses = stage.github.requests.map((r) => `${r.method} ${r.status}`)
      expect(statuses).toEqual(expect.arrayContaining(['GET 429', 'POST 403', 'POST 201']))
      expect(ours(stage.github)).toHaveLength(1)
    }))

  it('after a successful deploy, a failing "Deployed" update of the PR comment warns without failing the step', () =>
    withStage(async (stage) => {
      const planned = await stage.plan({ delete: 'true' })
      expect(planned.exitCode).toBe(0)
      stage.github.setCommitPulls(stage.head, [
        { number: 7, merged_at: '2026-01-02T00:00:00Z', merge_commit_sha: stage.head }
      ])
      stage.github.failNext({
        method: 'PATCH',
        path: /\/issues\/comments\/\d+$/,
        status: 422,
        body: { message: 'Validation Failed' }
      })
      const deployed = await stage.deploy({ delete: 'true' })
      expect(crashProblems(deployed)).toEqual([])
      expect(deployed.exitCode, deployed.stdout).toBe(0)
      expect(deployed.outputs.deployed).toBe('true')
      const warning = deployed.annotations.find(
        (a) => a.severity === 'warning' && /comment/i.test(a.message)
      )
      expect(warning?.message).toMatch(/HTTP 422/)

      // With GitHub healthy again the next run adds the section.
      const again = await stage.deploy({ delete: 'true' })
      expect(again.exitCode).toBe(0)
      expect(ours(stage.github)[0]!.body).toMatch(/Deployed/)
    }))
})
