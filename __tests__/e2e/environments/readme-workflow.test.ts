/**
 * The previews, staging and production workflow of docs/environments.md and its settings file, copied as is and
 * run event by event through the fake GitHub, with its jobs' permissions as the token's: a pull request's preview
 * opened and removed, the merge deployed to staging, then promoted to production by hand: planned with a
 * read-only token, approved, and applied only with the fingerprint the plan job showed.
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
import {
  deployments,
  inPrefix,
  kestraWrites,
  openPullRequest,
  publish,
  serverView
} from './stage.js'
import { readmeBlock, readmeWorkflow, runWorkflow, type Context } from './workflow-runner.js'

const NS = 'company.team'
const TOKEN = 'kestra-production-token-0123456789'
const READ_TOKEN = 'kestra-production-read-token-0123456789'
const workflow = readmeWorkflow('.github/workflows/kestra.yml')
const settingsFile = readmeBlock('kestra-gitops.yml (previews, staging and production)')

let staging: Emulator
let production: Emulator
let github: FakeGitHub
let repo: GitRepo
let context: Context

beforeAll(async () => {
  staging = await startEmulator({ basicAuth: CREDENTIALS })
  // The emulator does not model roles: the read token can write, so the test checks that nothing did.
  production = await startEmulator({ tokens: [TOKEN, READ_TOKEN] })
  github = await startFakeGitHub()
  repo = createGitRepo({
    'kestra-gitops.yml': settingsFile,
    [`${NS}/flows/smoke.yml`]: flow(NS, 'smoke'),
    [`${NS}/flows/report.yml`]: flow(NS, 'report')
  })
  context = {
    github,
    vars: { KESTRA_STAGING_URL: staging.url, KESTRA_PRODUCTION_URL: production.url },
    secrets: {
      KESTRA_STAGING_USERNAME: CREDENTIALS.username,
      KESTRA_STAGING_PASSWORD: CREDENTIALS.password,
      KESTRA_PRODUCTION_TOKEN: TOKEN,
      KESTRA_PRODUCTION_READ_TOKEN: READ_TOKEN
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

    const writesBefore = { count: 0 }
    const promoted = await runWorkflow(workflow, dispatchEvent(repo, merge), {
      ...context,
      beforeJob(job) {
        if (job === 'production') writesBefore.count = kestraWrites(production).length
      }
    })
    expect(promoted.map((run) => run.job)).toEqual(['production-plan', 'production'])
    const [planned, applied] = promoted.map((run) => run.result)
    expect(planned!.exitCode, planned!.stdout).toBe(0)
    expect(writesBefore.count, 'the plan job wrote nothing').toBe(0)
    const fingerprint = planned!.outputs['plan-fingerprint']!
    expect(planned!.summary).toContain('Kestra plan: 2 to create')
    expect(planned!.summary).toContain(fingerprint)
    expect(applied!.exitCode, applied!.stdout).toBe(0)
    expect(applied!.stdout).toContain(
      `The plan has the approved fingerprint (${fingerprint.slice(0, 12)})`
    )
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
    expect(workflow.jobs['production-plan']!.environment).toBeUndefined()
  })

  it('refuses, before any write, a plan that moved between the plan job and the approval', async () => {
    const merge = repo.head()
    const source = (id: string) => production.snapshot().flows.find((f) => f.id === id)!.source
    const before = source('report')
    const promoted = await runWorkflow(workflow, dispatchEvent(repo, merge), {
      ...context,
      beforeJob(job) {
        // While the reviewer reads the plan, someone edits the flow in production's UI.
        if (job !== 'production') return
        production.seed({
          flows: [{ namespace: NS, id: 'report', source: `${before}# edited in the UI\n` }]
        })
        production.clearLog()
      }
    })
    expect(promoted.map((run) => run.job)).toEqual(['production-plan', 'production'])
    const [planned, refused] = promoted.map((run) => run.result)
    expect(planned!.exitCode).toBe(0)
    expect(planned!.outputs['has-changes']).toBe('false')
    expect(refused!.exitCode).toBe(1)
    const error = refused!.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain('reviewed-plan: the plan computed now is not the approved one')
    expect(error).toContain(planned!.outputs['plan-fingerprint']!)
    expect(error).toContain(`update flow ${NS}.report`)
    expect(kestraWrites(production)).toEqual([])
    expect(source('report')).toContain('# edited in the UI')
  })

  it('refuses to promote a commit staging has not verified', async () => {
    const hotfix = repo.commit({ [`${NS}/flows/report.yml`]: flow(NS, 'report', ' hotfix') })
    publish(github, repo)
    const runs = await runWorkflow(workflow, dispatchEvent(repo, hotfix), context)
    const run = runs.find((r) => r.job === 'production')
    expect(run!.job).toBe('production')
    expect(run!.result.exitCode).toBe(1)
    expect(run!.result.annotations.find((a) => a.severity === 'error')!.message).toContain(
      'staging'
    )
    expect(production.snapshot().flows.every((f) => !f.source.includes('hotfix'))).toBe(true)
  })
})
