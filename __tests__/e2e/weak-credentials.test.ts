/**
 * Decisions on real values (docs/security.md): the password `kestra` in the repository `acme/kestra-flows`
 * changes nothing the action decides or computes. An out-of-order deploy is refused exactly as with a strong
 * password, the `plan-file` output names the file written and `comment-url` is the comment's real address;
 * the run warns once about the weak credential.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunOptions } from '../../test-support/runner.js'
import { flow, pullRequestEvent, pushEvent } from '../../test-support/scenario.js'

const REPOSITORY = 'acme/kestra-flows'
const USERNAME = 'admin@example.com'
const NS = 'company.team'
const WRITES = ['flows.create', 'flows.update', 'flows.delete', 'namespaces.files.upload', 'kv.put']

const servers: { kestra: Emulator; github: FakeGitHub }[] = []
afterEach(async () => {
  for (const { kestra, github } of servers.splice(0)) {
    await kestra.close()
    await github.close()
  }
})

/** Plans a pull request, deploys a newer commit, then the older one: what each step decided. */
async function scenario(password: string) {
  const kestra = await startEmulator({ basicAuth: { username: USERNAME, password } })
  const github = await startFakeGitHub({ repository: REPOSITORY })
  servers.push({ kestra, github })
  const repo = createGitRepo({ [`${NS}/flows/solo.yml`]: flow(NS, 'solo') })
  const base = repo.head()
  const head = repo.commit({ [`${NS}/flows/solo.yml`]: flow(NS, 'solo', ' v1') }, 'older')
  const newer = repo.commit({ [`${NS}/flows/solo.yml`]: flow(NS, 'solo', ' v2') }, 'newer')
  const run = (event: Pick<RunOptions, 'eventName' | 'sha' | 'payload' | 'workspace'>) =>
    runAction({
      ...event,
      repository: REPOSITORY,
      githubApiUrl: github.url,
      inputs: { server: kestra.url, username: USERNAME, password }
    })

  const plan = await run(pullRequestEvent(repo, base, head))
  const deployed = await run(pushEvent(repo, head, newer))
  const writesBefore = kestra.requests.filter((r) => WRITES.includes(r.route)).length
  const late = await run(pushEvent(repo, base, head))
  const planFile = plan.outputs['plan-file'] ?? ''
  return {
    plan,
    late,
    decided: {
      planExit: plan.exitCode,
      planFileExists: existsSync(planFile),
      planFileIsThePlan:
        existsSync(planFile) && JSON.parse(readFileSync(planFile, 'utf8')).commit === head,
      planFileName: planFile.slice(plan.runnerTemp.length),
      commentUrl: plan.outputs['comment-url'],
      realCommentUrl: github.comments(7)[0]?.html_url,
      deployedExit: deployed.exitCode,
      lateExit: late.exitCode,
      lateWrites: kestra.requests.filter((r) => WRITES.includes(r.route)).length - writesBefore,
      refusedAsOlder: late.annotations.some(
        (a) =>
          a.severity === 'warning' && /older than the one already deployed|revert/i.test(a.message)
      ),
      onServer: kestra.snapshot().flows.find((f) => f.id === 'solo')?.source,
      marker: markerOf(kestra, newer)
    }
  }
}

/**
 * The deployed-commit marker, with the commit named by its role and its seal by its form: the seal is keyed
 * from the credentials (docs/performance.md#what-kv-can-do-to-it), so two passwords seal it differently.
 */
function markerOf(kestra: Emulator, newer: string): unknown {
  const value = kestra.snapshot().kv.find((entry) => entry.namespace === NS)?.value
  const marker = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>
  const seal =
    typeof marker.seal === 'string' && /^seal2:[0-9a-f]{64}:[0-9a-f]{64}$/.test(marker.seal)
  return {
    ...marker,
    commit: marker.commit === newer ? 'the newer commit' : marker.commit,
    seal: seal ? 'a seal keyed through scrypt' : marker.seal
  }
}

describe('a weak password that is part of the repository name', () => {
  it('decides and computes exactly what a strong password does, and warns once', async () => {
    const [weak, strong] = await Promise.all([
      scenario('kestra'),
      scenario('A-l0ng-Random-passw0rd')
    ])
    expect(weak.decided).toEqual(strong.decided)
    expect(weak.decided).toMatchObject({
      planExit: 0,
      planFileExists: true,
      planFileName: '/kestra-gitops-plan-default.json',
      deployedExit: 0,
      lateExit: 0,
      lateWrites: 0,
      refusedAsOlder: true,
      onServer: flow(NS, 'solo', ' v2'),
      planFileIsThePlan: true,
      marker: expect.objectContaining({ repository: REPOSITORY, commit: 'the newer commit' })
    })
    expect(weak.decided.commentUrl).toBe(weak.decided.realCommentUrl)
    expect(weak.decided.commentUrl).toMatch(
      /^https:\/\/github\.com\/acme\/kestra-flows\/pull\/7#issuecomment-\d+$/
    )
    const warnings = (run: typeof weak.plan) =>
      run.annotations.filter((a) => a.message.startsWith('Weak credential')).map((a) => a.message)
    expect(warnings(weak.plan)).toEqual([expect.stringMatching(/^Weak credential \(password\)/)])
    expect(warnings(strong.plan)).toEqual([])
  })
})
