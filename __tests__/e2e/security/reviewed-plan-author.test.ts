/**
 * `require-reviewed-plan` trusts only the comment the action itself wrote (docs/guarantees.md#reviewed-plan),
 * through the bundled action on `push`: a plan marker with the very fingerprint of the plan, in a comment by
 * another App's bot or by a person, opens nothing (the deploy is refused, nothing written, the comment named in
 * the log); the same marker by the token's own login deploys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACTIONS_BOT, type FakeUser } from '../../../test-support/fake-github.js'
import { flow } from '../../../test-support/scenario.js'
import { failureText, startStage, writesIn, type Stage } from '../reliability/stage.js'

const NS = 'company.team'
const MARKER = '<!-- kestra-gitops:default -->'

let stage: Stage
let fingerprint: string

beforeAll(async () => {
  stage = await startStage({
    base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
    change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') }
  })
  stage.github.setCommitPulls(stage.head, [
    { number: 12, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: stage.head }
  ])
  const dry = await stage.deploy({ 'dry-run': 'true' })
  fingerprint = dry.outputs['plan-fingerprint']!
  expect(fingerprint).toMatch(/^[0-9a-f]{64}$/)
})
afterAll(() => stage?.close())

function seedPlanComment(author: FakeUser) {
  stage.github.state.comments.set(12, [])
  stage.github.seedComments(12, [
    {
      body: `${MARKER}\nplan\n<!-- kestra-gitops-plan: {"fingerprint":"${fingerprint}","commit":"${stage.head}"} -->`,
      user: author
    }
  ])
}

describe('require-reviewed-plan and who wrote the plan comment', () => {
  it.each([
    { name: "another App's bot", author: { login: 'other-app[bot]', type: 'Bot' } as FakeUser },
    { name: 'a person', author: { login: 'octocat', type: 'User' } as FakeUser },
    {
      name: 'a person named like the bot',
      author: { login: 'github-actions', type: 'User' } as FakeUser
    }
  ])('a marker written by $name is ignored and named; nothing is deployed', async ({ author }) => {
    seedPlanComment(author)
    const mark = stage.kestra.requests.length
    const result = await stage.deploy({ 'require-reviewed-plan': 'true' })
    expect(result.exitCode).toBe(1)
    expect(failureText(result)).toContain(
      `require-reviewed-plan: pull request #12 has no plan comment by github-actions[bot] (comment-key 'default'). 1 comment(s) by others carry the marker and were ignored (${author.login}).`
    )
    expect(result.stdout).toContain(
      `Ignored a plan comment on pull request #12 by ${author.login} (https://github.com/octo/kestra-repo/pull/12#issuecomment-`
    )
    expect(result.stdout).not.toContain('The plan matches the one reviewed')
    expect(writesIn(stage.since(mark))).toEqual([])
    expect(stage.github.comments(12)[0]!.body).not.toContain('Deployed')
  })

  it('the same marker by the login the token comments as deploys', async () => {
    seedPlanComment(ACTIONS_BOT)
    const result = await stage.deploy({ 'require-reviewed-plan': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.stdout).toContain('The plan matches the one reviewed on pull request #12')
    expect(result.stdout).not.toContain('Ignored a plan comment')
    expect(stage.kestra.snapshot().flows.find((f) => f.id === 'a')!.source).toBe(
      flow(NS, 'a', ' v2')
    )
  })
})
