/**
 * A plan reviewed against one server address never deploys through another (docs/plan.md#fingerprint), through
 * the bundled action: the pull request's plan is computed against `http://127.0.0.1:<port>`; the deploy on push
 * with `require-reviewed-plan` against `http://localhost:<port>` (the same Kestra, another URL) is refused,
 * nothing written, and the refusal names the setting that moved; the same address deploys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import { failureText, startStage, writesIn, type Stage } from '../reliability/stage.js'

const NS = 'company.team'
let stage: Stage

beforeAll(async () => {
  stage = await startStage({
    base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
    change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') }
  })
  stage.github.setCommitPulls(stage.head, [
    { number: 7, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: stage.head }
  ])
})
afterAll(() => stage?.close())

describe('the reviewed plan and the server it was computed against', () => {
  it('refuses a deploy through another URL, naming it; deploys through the reviewed one', async () => {
    const reviewedUrl = stage.kestra.url
    const otherUrl = reviewedUrl.replace('127.0.0.1', 'localhost')
    const plan = await stage.plan({ server: reviewedUrl })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(stage.github.comments(7)).toHaveLength(1)

    const mark = stage.kestra.requests.length
    const refused = await stage.deploy({ server: otherUrl, 'require-reviewed-plan': 'true' })
    expect(refused.exitCode).toBe(1)
    const failure = failureText(refused)
    expect(failure).toContain('the plan differs from the one reviewed on pull request #7')
    expect(failure).toContain(
      `server: ${JSON.stringify(reviewedUrl)} (reviewed) → ${JSON.stringify(otherUrl)} (now)`
    )
    expect(writesIn(stage.since(mark))).toEqual([])

    const deployed = await stage.deploy({ server: reviewedUrl, 'require-reviewed-plan': 'true' })
    expect(deployed.exitCode, deployed.stdout).toBe(0)
    expect(deployed.stdout).toContain('The plan matches the one reviewed on pull request #7')
  })
})
