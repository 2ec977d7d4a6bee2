/**
 * Only our own comment (docs/comment.md#sticky-comment): through the bundled action, a comment by another App (or
 * by GITHUB_TOKEN's bot when the action comments with an App's token) that starts with our marker is never edited,
 * deleted or read as a plan, whether it came before the action's comment or after it; the plan goes into the
 * comment of the identity the token acts as (GraphQL `viewer`), and `require-reviewed-plan` deploys from it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ACTIONS_BOT, type FakeUser } from '../../../test-support/fake-github.js'
import { flow } from '../../../test-support/scenario.js'
import { startStage, type Stage } from '../reliability/stage.js'

const NS = 'company.team'
const MARKER = '<!-- kestra-gitops:default -->'
const PR = 7

let stage: Stage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** A comment of someone else's that copies our marker and a plan record of its own. */
function impostor(text: string): string {
  const record = JSON.stringify({ fingerprint: '0'.repeat(64), commit: 'f'.repeat(40) })
  return `${MARKER}\n${text}\n<!-- kestra-gitops-plan: ${record} -->`
}

describe.each([
  {
    token: 'GITHUB_TOKEN',
    ours: ACTIONS_BOT,
    theirs: { login: 'other-app[bot]', type: 'Bot' } as FakeUser
  },
  {
    token: "an App's installation token",
    ours: { login: 'kestra-gitops-app[bot]', type: 'Bot' } as FakeUser,
    theirs: ACTIONS_BOT
  }
])('with $token as github-token', ({ ours, theirs }) => {
  it(`${theirs.login}'s comments with our marker stay as they are; ours is planned, reviewed and deployed`, async () => {
    stage = await startStage({
      base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
      change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') },
      github: { commenter: ours }
    })
    const github = stage.github
    const [before] = github.seedComments(PR, [{ body: impostor('written before'), user: theirs }])

    const first = await stage.plan()
    expect(first.exitCode, first.stdout).toBe(0)
    const [after] = github.seedComments(PR, [{ body: impostor('written after'), user: theirs }])
    const second = await stage.plan()
    expect(second.exitCode, second.stdout).toBe(0)

    const comments = github.comments(PR)
    expect(comments.map((c) => c.user.login)).toEqual([theirs.login, ours.login, theirs.login])
    expect(comments[0]).toEqual(before)
    expect(comments[2]).toEqual(after)
    expect(comments[1]!.body).toContain('Kestra plan')
    const touched = github.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE')
    for (const theirsId of [before!.id, after!.id]) {
      expect(touched.map((r) => r.path)).not.toContain(
        `/repos/octo/kestra-repo/issues/comments/${theirsId}`
      )
    }

    github.setCommitPulls(stage.head, [
      { number: PR, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: stage.head }
    ])
    const deployed = await stage.deploy({ 'require-reviewed-plan': 'true' })
    expect(deployed.exitCode, deployed.stdout).toBe(0)
    expect(deployed.stdout).toContain(`The plan matches the one reviewed on pull request #${PR}`)
    expect(deployed.stdout).toContain(
      `Ignored a plan comment on pull request #${PR} by ${theirs.login} (https://github.com/octo/kestra-repo/pull/${PR}#issuecomment-${before!.id})`
    )
    const last = github.comments(PR)
    expect(last[0]).toEqual(before)
    expect(last[2]).toEqual(after)
    expect(last[1]!.body).toContain('Deployed')
    expect(stage.kestra.snapshot().flows.find((f) => f.id === 'a')!.source).toBe(
      flow(NS, 'a', ' v2')
    )
  })
})
