/**
 * The README's quick start as written: its settings file committed at the repository's root, the pull-request
 * workflow and the deploy workflow run through the fake GitHub. A flow removed in a pull request is planned as
 * a delete, reviewed as one, and deployed after the merge under `require-reviewed-plan`; the two workflows
 * cannot disagree on `delete`, and when a workflow overrides the file, the refusal names the setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow, pullRequestEvent, pushEvent } from '../../../test-support/scenario.js'
import { kestraWrites, publish, serverView } from './stage.js'
import {
  readmeBlock,
  readmeWorkflow,
  runWorkflow,
  type Context,
  type Workflow
} from './workflow-runner.js'

const NS = 'company.team'
const settingsFile = readmeBlock('kestra-gitops.yml')
const planWorkflow = readmeWorkflow('.github/workflows/kestra-plan.yml')
const deployWorkflow = readmeWorkflow('.github/workflows/kestra-deploy.yml')

let kestra: Emulator
let github: FakeGitHub
let context: Context

beforeAll(async () => {
  github = await startFakeGitHub()
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

/** A repository with the README's settings file and two flows, both live on the server; a pull request removing one. */
async function removal(number: number): Promise<{ repo: GitRepo; base: string; head: string }> {
  const repo = createGitRepo({
    'kestra-gitops.yml': settingsFile,
    [`${NS}/flows/keep.yml`]: flow(NS, 'keep'),
    [`${NS}/flows/old.yml`]: flow(NS, 'old')
  })
  await kestra?.close()
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  context = {
    github,
    vars: { KESTRA_URL: kestra.url },
    secrets: { KESTRA_USERNAME: CREDENTIALS.username, KESTRA_PASSWORD: CREDENTIALS.password }
  }
  kestra.seed({
    flows: ['keep', 'old'].map((id) => ({ namespace: NS, id, source: flow(NS, id) }))
  })
  const base = repo.head()
  repo.git('checkout', '-q', '-b', `remove-old-${number}`)
  repo.git('rm', '-q', `${NS}/flows/old.yml`)
  repo.git('commit', '-q', '-m', 'Remove the old flow')
  const head = repo.head()
  publish(github, repo)
  return { repo, base, head }
}

/** Merges the pull request's branch into main, tells the fake GitHub, and runs the deploy workflow. */
async function mergeAndDeploy(repo: GitRepo, base: string, number: number, workflow: Workflow) {
  repo.git('checkout', '-q', 'main')
  repo.git('merge', '-q', '--no-ff', '-m', `Merge pull request #${number}`, `remove-old-${number}`)
  const merge = repo.head()
  publish(github, repo)
  github.setCommitPulls(merge, [
    { number, merged_at: '2026-11-23T10:00:00Z', merge_commit_sha: merge }
  ])
  kestra.clearLog()
  const [run] = await runWorkflow(workflow, pushEvent(repo, base, merge), context)
  return run!.result
}

const liveFlows = () => serverView(kestra, () => true).flows.map((f) => f.id)

describe("the README's quick start, run as written", () => {
  it('deploys a removal that was reviewed as a removal', async () => {
    const { repo, base, head } = await removal(7)
    const [planned] = await runWorkflow(planWorkflow, pullRequestEvent(repo, base, head), context)
    expect(planned!.result.exitCode, planned!.result.stdout).toBe(0)
    expect(planned!.result.stdout).toContain(
      'Settings from kestra-gitops.yml: delete, require-reviewed-plan.'
    )
    const comment = github.comments(7)[0]!.body
    expect(comment).toContain('1 to delete')
    expect(comment).toContain(`${NS}.old`)
    expect(comment).not.toContain('orphaned')
    expect(kestraWrites(kestra)).toEqual([])

    const deployed = await mergeAndDeploy(repo, base, 7, deployWorkflow)
    expect(deployed.exitCode, deployed.stdout).toBe(0)
    expect(deployed.stdout).toContain('The plan matches the one reviewed on pull request #7')
    expect(deployed.outputs.deleted).toBe('1')
    expect(liveFlows()).toEqual(['keep'])
  })

  it('refuses a deploy planned with other settings, naming the setting and the resource', async () => {
    // The trap the settings file removes: a pull-request workflow that says `delete: false` itself.
    const overriding = structuredClone(planWorkflow)
    const step = overriding.jobs.plan!.steps.find((s) => s.uses?.includes('kestra-gitops-action'))!
    step.with = { ...step.with, delete: false }
    const { repo, base, head } = await removal(8)
    const [planned] = await runWorkflow(
      overriding,
      pullRequestEvent(repo, base, head, { number: 8 }),
      context
    )
    expect(planned!.result.exitCode).toBe(0)
    expect(planned!.result.stdout).toContain(
      "Input 'delete' from the workflow overrides kestra-gitops.yml line 4."
    )
    expect(github.comments(8)[0]!.body).toContain('orphaned')

    const refused = await mergeAndDeploy(repo, base, 8, deployWorkflow)
    expect(refused.exitCode).toBe(1)
    const error = refused.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain('the plan differs from the one reviewed on pull request #8')
    expect(error).toContain('delete: "false" (default) (reviewed) → "true" (now)')
    expect(error).toContain(`delete flow ${NS}.old: reviewed as orphaned`)
    expect(error).toContain('kestra-gitops.yml')
    expect(kestraWrites(kestra)).toEqual([])
    expect(liveFlows()).toEqual(['keep', 'old'])
  })

  it('refuses a settings file with a bad value on its line, before any request to Kestra', async () => {
    const { repo, base, head } = await removal(9)
    repo.commit({ 'kestra-gitops.yml': `${settingsFile}max-deletions: many\n` }, 'bad setting')
    kestra.clearLog()
    const [planned] = await runWorkflow(
      planWorkflow,
      pullRequestEvent(repo, base, repo.head(), { number: 9 }),
      context
    )
    expect(planned!.result.exitCode).toBe(1)
    const lines = `${settingsFile}max-deletions: many\n`.split('\n').length - 1
    expect(planned!.result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'kestra-gitops.yml',
        line: lines,
        message: expect.stringContaining("Input 'max-deletions': 'many' is not accepted")
      })
    )
    expect(kestra.requests).toEqual([])
    void head
  })
})
