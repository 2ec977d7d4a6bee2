/**
 * The README's two-environment workflow, copied as is and run event by event through the fake GitHub,
 * with its jobs' permissions as the token's: a pull request's preview opened and removed, the merge deployed
 * to staging, then promoted to production by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestClosedEvent,
  pullRequestEvent,
  pushEvent
} from '../../../test-support/scenario.js'
import { deployments, inPrefix, openPullRequest, publish, serverView } from './stage.js'
import { readmeWorkflow, runWorkflow, type Context } from './workflow-runner.js'

const NS = 'company.team'
const TOKEN = 'kestra-production-token-0123456789'
const workflow = readmeWorkflow('.github/workflows/kestra.yml')

let staging: Emulator
let production: Emulator
let github: FakeGitHub
let repo: GitRepo
let context: Context

beforeAll(async () => {
  staging = await startEmulator({ basicAuth: CREDENTIALS })
  production = await startEmulator({ tokens: [TOKEN] })
  github = await startFakeGitHub()
  repo = createGitRepo({
    [`${NS}/flows/smoke.yml`]: flow(NS, 'smoke'),
    [`${NS}/flows/report.yml`]: flow(NS, 'report')
  })
  context = {
    github,
    vars: { KESTRA_STAGING_URL: staging.url, KESTRA_PRODUCTION_URL: production.url },
    secrets: {
      KESTRA_STAGING_USERNAME: CREDENTIALS.username,
      KESTRA_STAGING_PASSWORD: CREDENTIALS.password,
      KESTRA_PRODUCTION_TOKEN: TOKEN
    }
  }
})

afterAll(async () => {
  await staging?.close()
  await production?.close()
  await github?.close()
})

describe("the README's preview → staging → production workflow", () => {
  it('runs each event with the permissions it declares, from a pull request to production', async () => {
    const base = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({ [`${NS}/flows/report.yml`]: flow(NS, 'report', ' v2') })
    publish(github, repo)
    openPullRequest(github, base, head)

    const opened = pullRequestEvent(repo, base, head)
    const previewed = await runWorkflow(
      workflow,
      { ...opened, payload: { ...opened.payload, action: 'opened' } },
      context
    )
    expect(previewed.map((run) => run.job)).toEqual(['preview'])
    expect(previewed[0]!.result.exitCode, previewed[0]!.result.stdout).toBe(0)
    expect(serverView(staging, inPrefix('pr-7')).flows.map((f) => f.id)).toEqual([
      'report',
      'smoke'
    ])
    expect(github.comments(7)[0]!.body).toContain('### Preview')

    repo.git('checkout', '-q', 'main')
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature')
    const merge = repo.head()
    publish(github, repo)
    const closed = await runWorkflow(
      workflow,
      pullRequestClosedEvent(repo, base, head, { merged: true, mergeCommitSha: merge }),
      context
    )
    expect(closed.map((run) => run.job)).toEqual(['preview'])
    expect(closed[0]!.result.exitCode, closed[0]!.result.stdout).toBe(0)
    expect(serverView(staging, inPrefix('pr-7'))).toEqual({ flows: [], files: [], kv: [] })

    const pushed = await runWorkflow(workflow, pushEvent(repo, base, merge), context)
    expect(pushed.map((run) => run.job)).toEqual(['staging'])
    expect(pushed[0]!.result.exitCode, pushed[0]!.result.stdout).toBe(0)
    // Live flows: the removed preview's are kept by Kestra as deleted revisions.
    expect(serverView(staging, () => true).flows.map((f) => `${f.namespace}.${f.id}`)).toEqual([
      `${NS}.report`,
      `${NS}.smoke`
    ])

    const promoted = await runWorkflow(workflow, dispatchEvent(repo, merge), context)
    expect(promoted.map((run) => run.job)).toEqual(['production'])
    expect(promoted[0]!.result.exitCode, promoted[0]!.result.stdout).toBe(0)
    const sources = production.snapshot().flows.map((f) => f.source)
    expect(sources).toHaveLength(2)
    for (const source of sources) expect(source).toContain('system.readOnly: "true"')

    expect(
      deployments(github).map((d) => [d.environment, d.sha, d.statuses.at(-1)!.state])
    ).toEqual([
      ['pr-7', head, 'inactive'],
      ['staging', merge, 'success'],
      ['production', merge, 'success']
    ])
    expect(workflow.jobs.production!.environment).toBe('production')
  })

  it('refuses to promote a commit staging has not verified', async () => {
    const hotfix = repo.commit({ [`${NS}/flows/report.yml`]: flow(NS, 'report', ' hotfix') })
    publish(github, repo)
    const [run] = await runWorkflow(workflow, dispatchEvent(repo, hotfix), context)
    expect(run!.job).toBe('production')
    expect(run!.result.exitCode).toBe(1)
    expect(run!.result.annotations.find((a) => a.severity === 'error')!.message).toContain(
      'staging'
    )
    expect(production.snapshot().flows.every((f) => !f.source.includes('hotfix'))).toBe(true)
  })
})
