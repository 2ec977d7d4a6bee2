/**
 * Which comments `require-reviewed-plan` may trust (docs/guarantees.md#reviewed-plan): over any mix of authors
 * (the token's own identity, another App's bot, GITHUB_TOKEN's bot, a person, a deleted user), only those
 * by the exact login this token comments as count; the identity is read once, from GraphQL's viewer (which
 * answers App installation tokens too), else GET /user, else not at all. Against the fake GitHub, in process;
 * the bundled action is driven by __tests__/e2e/security/reviewed-plan-author.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createOctokit } from '../../../src/adapters/github/octokit.js'
import { createGitHub } from '../../../src/adapters/github/rest-github.js'
import { commentMarker } from '../../../src/model/markdown/comment-markers.js'
import {
  ACTIONS_BOT,
  startFakeGitHub,
  type FakeGitHubOptions,
  type FakeUser
} from '../../../test-support/fake-github.js'
import { runs } from '../../../test-support/property-runs.js'

const MARKER = commentMarker('default')
const PR = 12

const AUTHORS: FakeUser[] = [
  ACTIONS_BOT,
  { login: 'other-app[bot]', type: 'Bot' },
  { login: 'octocat', type: 'User' },
  { login: 'deploy-user', type: 'User' },
  { login: 'deploy-user[bot]', type: 'Bot' }
]

/** The token's identity: GITHUB_TOKEN (GET /user refused), or a person's token. */
const IDENTITIES: { name: string; options: FakeGitHubOptions; login: string }[] = [
  { name: 'GITHUB_TOKEN', options: {}, login: ACTIONS_BOT.login },
  {
    name: "a person's token",
    options: { commenter: { login: 'deploy-user', type: 'User' }, viewer: 'deploy-user' },
    login: 'deploy-user'
  },
  {
    name: "another App's installation token",
    options: { commenter: { login: 'other-app[bot]', type: 'Bot' } },
    login: 'other-app[bot]'
  }
]

async function portFor(url: string) {
  const octokit = await createOctokit('ghs_test', { baseUrl: url, throttle: false })
  return createGitHub(octokit, { owner: 'octo', repo: 'kestra-repo' })
}

describe('comments by this token', () => {
  it('are exactly those whose author is the login the token comments as, whatever the mix', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...IDENTITIES),
        fc.array(fc.record({ author: fc.constantFrom(...AUTHORS), marked: fc.boolean() }), {
          maxLength: 8
        }),
        async (identity, seeded) => {
          const fake = await startFakeGitHub(identity.options)
          try {
            fake.seedComments(
              PR,
              seeded.map(({ author, marked }, i) => ({
                body: `${marked ? MARKER : 'chatter'}\ncomment ${i}`,
                user: author
              }))
            )
            const github = await portFor(fake.url)
            const found = await github.commentsByThisToken(PR, MARKER)
            const marked = seeded.flatMap((s, i) => (s.marked ? [{ ...s, i }] : []))
            expect(found.identity).toBe(identity.login)
            expect(found.comments.map((c) => c.body)).toEqual(
              marked
                .filter((s) => s.author.login === identity.login)
                .map((s) => `${MARKER}\ncomment ${s.i}`)
            )
            expect(found.others.map((o) => o.author)).toEqual(
              marked.filter((s) => s.author.login !== identity.login).map((s) => s.author.login)
            )
            // Read once per run, whatever is asked after.
            await github.commentsByThisToken(PR, MARKER)
            const asked = fake.requests.filter((r) => r.path === '/graphql' || r.path === '/user')
            expect(asked.map((r) => r.path)).toEqual(['/graphql'])
          } finally {
            await fake.close()
          }
        }
      ),
      { numRuns: runs(25, 8) }
    )
  })

  it.each([401, 403])(
    'fall back to GET /user when GraphQL answers %i, and know no identity when both refuse',
    async (status) => {
      const fake = await startFakeGitHub({ viewer: 'deploy-user' })
      try {
        fake.seedComments(PR, [
          { body: `${MARKER}\nby bot`, user: ACTIONS_BOT },
          { body: `${MARKER}\nby user`, user: { login: 'deploy-user', type: 'User' } }
        ])
        fake.failNext({ method: 'POST', path: '/graphql', status, times: 10 })
        const withUser = await (await portFor(fake.url)).commentsByThisToken(PR, MARKER)
        expect(withUser.identity).toBe('deploy-user')
        expect(withUser.comments.map((c) => c.body)).toEqual([`${MARKER}\nby user`])
      } finally {
        await fake.close()
      }
      const refusing = await startFakeGitHub()
      try {
        refusing.seedComments(PR, [{ body: `${MARKER}\nby bot`, user: ACTIONS_BOT }])
        refusing.failNext({ method: 'POST', path: '/graphql', status, times: 10 })
        const none = await (await portFor(refusing.url)).commentsByThisToken(PR, MARKER)
        expect(none).toEqual({
          identity: undefined,
          comments: [],
          others: [{ author: ACTIONS_BOT.login, url: expect.any(String) }]
        })
      } finally {
        await refusing.close()
      }
    }
  )
})
