/**
 * A missing secret does not vanish after the first deploy (docs/caught-at-review.md#which-flows-are-checked):
 * any plan but a pull request's checks every flow's `secret()`/`kv()` names against the server (the bundled
 * CLI, `plan`, `plan --full` and `validate` with a server alike), and a pull request's plan, which checks the flows it changes, says
 * how many names it did not check (the bundled action).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../test-support/scenario.js'
import { runCli } from './cli/run-cli.js'
import { planPullRequest, reviewStage } from './review-stage.js'

const NS = 'company.team'
const NOTIFY = `${flow(NS, 'notify')}  - id: post
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('SLACK_WEBHOOK_URL') }}"
`
const MISSING = 'secret SLACK_WEBHOOK_URL is not defined for namespace company.team'

let kestra: Emulator
let env: Record<string, string>

beforeEach(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password
  }
})

afterEach(async () => {
  await kestra?.close()
})

describe('missing names after the first deploy', () => {
  it('plan and plan --full find the missing secret of a flow the plan does not write', async () => {
    const repo = createGitRepo({
      [`${NS}/flows/notify.yml`]: NOTIFY,
      [`${NS}/flows/hello.yml`]: flow(NS, 'hello')
    })
    const first = await runCli(repo.dir, ['plan', '--json'], env)
    expect(first.exitCode, first.stderr).toBe(0)
    const before = JSON.parse(first.stdout) as { findings: { message: string }[] }
    expect(before.findings.map((f) => f.message)).toContainEqual(expect.stringContaining(MISSING))

    const deployed = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(deployed.exitCode, deployed.stderr).toBe(0)

    // Only hello changes: notify is not written, and its missing secret is still reported.
    repo.commit({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello', ' again') })
    const plan = await runCli(repo.dir, ['plan'], env)
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toContain(MISSING)
    expect(plan.stdout).toContain('Validation passed: 0 errors, 1 warning')
    expect(plan.stdout).not.toContain('were not checked')

    const full = await runCli(repo.dir, ['plan', '--full', '--json'], env)
    expect(full.exitCode, full.stderr).toBe(0)
    const document = JSON.parse(full.stdout) as {
      findings: { message: string; severity: string }[]
      notes: string[]
      verdict: { warnings: number }
    }
    expect(document.findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining(MISSING) })
    )
    expect(document.verdict.warnings).toBeGreaterThan(0)
    expect(document.notes.join('\n')).not.toContain('were not checked')

    // validate with a server reads the same listings and checks every flow's names; without one, none.
    const validated = await runCli(repo.dir, ['validate', '--json'], env)
    expect(validated.exitCode, validated.stderr).toBe(0)
    const checked = JSON.parse(validated.stdout) as typeof document
    expect(checked.findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining(MISSING) })
    )
    expect(checked.verdict.warnings).toBe(1)
    const offline = await runCli(repo.dir, ['validate', '--json'], {})
    expect(offline.exitCode, offline.stderr).toBe(0)
    const local = JSON.parse(offline.stdout) as typeof document
    expect(local.findings.map((f) => f.message)).not.toContainEqual(
      expect.stringContaining(MISSING)
    )
  })

  it("a pull request's plan checks the flows it changes and says how many names it did not check", async () => {
    const files = {
      [`${NS}/flows/notify.yml`]: NOTIFY,
      [`${NS}/flows/hello.yml`]: flow(NS, 'hello')
    }
    const stage = await reviewStage(
      files,
      { [`${NS}/flows/hello.yml`]: flow(NS, 'hello', ' again') },
      {
        flows: [
          { namespace: NS, id: 'notify', source: NOTIFY },
          { namespace: NS, id: 'hello', source: flow(NS, 'hello') }
        ]
      }
    )
    try {
      const { result, comment } = await planPullRequest(stage)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(comment).not.toContain('SLACK_WEBHOOK_URL')
      expect(comment).toContain(
        "> 1 secret and KV reference(s) in 1 flow(s) this pull request does not change were not checked against the server; a plan of the branch (a push, workflow&#95;dispatch, or 'kestra-gitops plan') checks every flow."
      )
    } finally {
      await stage.close()
    }
  })
})
