/**
 * Every workflow of the README, docs/workflows.md and docs/environments.md, run as a user pastes it: each YAML
 * block that holds a step of this action has its scenario here, and a block without one fails the first test. The
 * blocks run through the workflow runner (their `on:`, `permissions:`, `if:`, matrix and expressions as GitHub
 * reads them) against the emulator with OSS credentials, except where the page says Enterprise, and the fake
 * GitHub. A list of steps runs in place of the README plan workflow's step, a `jobs:` mapping in place of its
 * jobs, as the page says. The deeper journeys of some of them are `readme-quick-start.test.ts`,
 * `readme-workflow.test.ts` and `fork-workflow-run.test.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import type { FakeGitHubOptions } from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../../test-support/kestra-emulator/index.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent,
  pushEvent,
  scheduleEvent
} from '../../../test-support/scenario.js'
import { startDriftStage, type DriftStage } from '../drift/stage.js'
import { inPrefix, kestraWrites, openPullRequest, publish, serverView } from './stage.js'
import {
  readmeBlock,
  readmeWorkflow,
  runWorkflow,
  workflowBlocks,
  workflowOf,
  type Context,
  type YamlBlock
} from './workflow-runner.js'

const NS = 'company.team'
const OSS = { KESTRA_USERNAME: CREDENTIALS.username, KESTRA_PASSWORD: CREDENTIALS.password }
const PLAN = readmeWorkflow('.github/workflows/kestra-plan.yml')

const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
})

async function emulator(options: EmulatorOptions = { basicAuth: CREDENTIALS }): Promise<Emulator> {
  const kestra = await startEmulator(options)
  closing.push(() => kestra.close())
  return kestra
}

async function fakeGitHub(options?: FakeGitHubOptions): Promise<FakeGitHub> {
  const github = await startFakeGitHub(options)
  closing.push(() => github.close())
  return github
}

async function driftStage(github: FakeGitHubOptions): Promise<DriftStage> {
  const stage = await startDriftStage({ github })
  closing.push(() => stage.close())
  await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ', edited in the UI'))
  return stage
}

/** A repository whose pull request #7 updates one flow the server holds. */
async function pullRequest(tree: Record<string, string>, changed: Record<string, string>) {
  const repo = createGitRepo(tree)
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit(changed)
  return { repo, base, head }
}

const jobsOf = (runs: { job: string }[]) => runs.map((run) => run.job)

function expectSucceeded(runs: Awaited<ReturnType<typeof runWorkflow>>) {
  for (const { job, result } of runs) expect(result.exitCode, `${job}\n${result.stdout}`).toBe(0)
}

/** The README drift workflow's run, on the repository's default settings or with Actions allowed to open pulls. */
async function readmeDrift(block: YamlBlock, actionsCanCreatePullRequests: boolean) {
  const stage = await driftStage({ actionsCanCreatePullRequests })
  const context = { github: stage.github, vars: { KESTRA_URL: stage.kestra.url }, secrets: OSS }
  stage.kestra.clearLog()
  const runs = await runWorkflow(
    workflowOf(block, PLAN),
    scheduleEvent(stage.repo, stage.head),
    context
  )
  expect(jobsOf(runs)).toEqual(['drift'])
  expectSucceeded(runs)
  expect(runs[0]!.result.outputs.drifted).toBe('1')
  expect(stage.driftIssues()).toHaveLength(1)
  expect(stage.github.state.git.refs.has('refs/heads/kestra-gitops/drift-default')).toBe(true)
  expect(stage.kestraWrites()).toEqual([])
  return { stage, result: runs[0]!.result }
}

type Scenario = (block: YamlBlock) => Promise<void>

const SCENARIOS: Record<string, Scenario> = {
  'README.md › 2. Plan on pull requests · .github/workflows/kestra-plan.yml': async (block) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const { repo, base, head } = await pullRequest(
      { [`${NS}/flows/report.yml`]: flow(NS, 'report') },
      { [`${NS}/flows/report.yml`]: flow(NS, 'report', ' v2') }
    )
    kestra.seed({ flows: [{ namespace: NS, id: 'report', source: flow(NS, 'report') }] })
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const runs = await runWorkflow(
      workflowOf(block, PLAN),
      pullRequestEvent(repo, base, head),
      context
    )
    expect(jobsOf(runs)).toEqual(['plan'])
    expectSucceeded(runs)
    expect(github.comments(7)[0]!.body).toContain('1 to update')
    expect(kestraWrites(kestra)).toEqual([])
  },

  'README.md › 3. Deploy on merge · .github/workflows/kestra-deploy.yml': async (block) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const repo = createGitRepo({ [`${NS}/flows/report.yml`]: flow(NS, 'report') })
    const base = repo.head()
    const merge = repo.commit({ [`${NS}/flows/report.yml`]: flow(NS, 'report', ' v2') })
    publish(github, repo)
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const runs = await runWorkflow(workflowOf(block, PLAN), pushEvent(repo, base, merge), context)
    expect(jobsOf(runs)).toEqual(['deploy'])
    expectSucceeded(runs)
    expect(serverView(kestra, () => true).flows.map((f) => f.source)).toEqual([
      flow(NS, 'report', ' v2')
    ])
  },

  'README.md › 4. Bring back edits made outside Git · .github/workflows/kestra-drift.yml': async (
    block
  ) => {
    // GitHub's default: Actions may not open pull requests. The branch is written, and the warning says why.
    const refused = await readmeDrift(block, false)
    expect(refused.stage.github.state.pulls.size).toBe(0)
    const warnings = refused.result.annotations.filter((a) => a.severity === 'warning')
    expect(warnings.map((a) => a.message).join('\n')).toContain(
      'Allow GitHub Actions to create and approve pull requests'
    )
    // Allowed: the job's own token opens it (GitHub starts no workflow for it: docs/workflows.md).
    const allowed = await readmeDrift(block, true)
    expect(
      [...allowed.stage.github.state.pulls.values()].map((p) => [p.head.ref, p.user.login])
    ).toEqual([['kestra-gitops/drift-default', 'github-actions[bot]']])
  },

  'docs/workflows.md › Manual deploy · .github/workflows/kestra-manual.yml': async (block) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const repo = createGitRepo({ [`${NS}/flows/report.yml`]: flow(NS, 'report') })
    publish(github, repo)
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const workflow = workflowOf(block, PLAN)
    // The input's default: only the plan.
    const planned = await runWorkflow(workflow, dispatchEvent(repo, repo.head()), context)
    expect(jobsOf(planned)).toEqual(['deploy'])
    expectSucceeded(planned)
    expect(planned[0]!.result.outputs).toMatchObject({ mode: 'plan', created: '1' })
    expect(kestraWrites(kestra)).toEqual([])
    const inputs = { 'dry-run': 'false' }
    const deployed = await runWorkflow(
      workflow,
      dispatchEvent(repo, repo.head(), { inputs }),
      context
    )
    expectSucceeded(deployed)
    expect(deployed[0]!.result.outputs).toMatchObject({ mode: 'deploy', deployed: 'true' })
    expect(serverView(kestra, () => true).flows.map((f) => f.id)).toEqual(['report'])
  },

  'docs/workflows.md › Fork pull requests · .github/workflows/kestra-fork-plan.yml': async (
    block
  ) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const { repo, base, head } = await pullRequest(
      { [`${NS}/flows/report.yml`]: flow(NS, 'report') },
      { [`${NS}/flows/report.yml`]: flow(NS, 'report', ' from a fork') }
    )
    repo.git('checkout', '-q', 'main')
    publish(github, repo)
    kestra.seed({ flows: [{ namespace: NS, id: 'report', source: flow(NS, 'report') }] })
    github.seedPull({
      number: 7,
      head: { owner: 'stranger', ref: 'feature', sha: head },
      base: { ref: 'main', sha: base }
    })
    repo.git('checkout', '-q', head) // the fork's head, as the workflow's checkout leaves it
    const repository = { id: 4242, full_name: 'octo/kestra-repo', owner: { login: 'octo' } }
    const fork = { id: 9999, full_name: 'stranger/kestra-repo', owner: { login: 'stranger' } }
    const event = {
      eventName: 'workflow_run',
      sha: base,
      ref: 'refs/heads/main',
      payload: {
        action: 'completed',
        workflow_run: {
          id: 31,
          name: 'Kestra plan',
          event: 'pull_request',
          status: 'completed',
          conclusion: 'success',
          head_sha: head,
          head_branch: 'feature',
          head_repository: fork,
          repository,
          pull_requests: []
        },
        repository: { ...repository, default_branch: 'main' }
      },
      workspace: repo.dir
    }
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const runs = await runWorkflow(workflowOf(block, PLAN), event, context)
    expect(jobsOf(runs)).toEqual(['plan'])
    expectSucceeded(runs)
    expect(github.comments(7)[0]!.body).toContain('from a fork')
    expect(kestraWrites(kestra)).toEqual([])
  },

  'docs/workflows.md › Several environments': async (block) => {
    // Tenants are Enterprise's: each server is one, reached with its token.
    const staging = await emulator({ edition: 'EE', tenant: 'staging', tokens: ['staging-token'] })
    const production = await emulator({ edition: 'EE', tokens: ['prod-token'] })
    const github = await fakeGitHub()
    const { repo, base, head } = await pullRequest(
      { [`${NS}/flows/report.yml`]: flow(NS, 'report') },
      { [`${NS}/flows/report.yml`]: flow(NS, 'report', ' v2') }
    )
    const context: Context = {
      github,
      vars: { KESTRA_STAGING_URL: staging.url, KESTRA_PROD_URL: production.url },
      secrets: { KESTRA_STAGING_TOKEN: 'staging-token', KESTRA_PROD_TOKEN: 'prod-token' }
    }
    const runs = await runWorkflow(
      workflowOf(block, PLAN),
      pullRequestEvent(repo, base, head),
      context
    )
    expect(jobsOf(runs)).toEqual(['plan', 'plan'])
    expectSucceeded(runs)
    const headlines = github.comments(7).map((c) => c.body.split('\n')[0])
    expect(headlines).toEqual(['<!-- kestra-gitops:staging -->', '<!-- kestra-gitops:prod -->'])
    expect(kestraWrites(staging)).toEqual([])
    expect(kestraWrites(production)).toEqual([])
  },

  'docs/workflows.md › Monorepos too big for one job': async (block) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const groups = ['sales', 'marketing', 'finance']
    const tree = Object.fromEntries(
      groups.map((group) => [
        `kestra/${group}/company.${group}/flows/report.yml`,
        flow(`company.${group}`, 'report')
      ])
    )
    const { repo, base, head } = await pullRequest(tree, {
      'kestra/sales/company.sales/flows/report.yml': flow('company.sales', 'report', ' v2')
    })
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const runs = await runWorkflow(
      workflowOf(block, PLAN),
      pullRequestEvent(repo, base, head),
      context
    )
    expect(jobsOf(runs)).toEqual(['plan (sales)', 'plan (marketing)', 'plan (finance)'])
    expectSucceeded(runs)
    const comments = github.comments(7).map((c) => c.body)
    expect(comments.map((body) => body.split('\n')[0])).toEqual(
      groups.map((group) => `<!-- kestra-gitops:${group} -->`)
    )
    for (const [index, group] of groups.entries()) {
      expect(comments[index]).toContain(`company.${group}`)
    }
  },

  'docs/environments.md › The workflow · .github/workflows/kestra.yml': async (block) => {
    const staging = await emulator()
    const github = await fakeGitHub()
    const { repo, base, head } = await pullRequest(
      {
        'kestra-gitops.yml': readmeBlock('kestra-gitops.yml (previews, staging and production)'),
        [`${NS}/flows/smoke.yml`]: flow(NS, 'smoke'),
        [`${NS}/flows/report.yml`]: flow(NS, 'report')
      },
      { [`${NS}/flows/report.yml`]: flow(NS, 'report', ' v2') }
    )
    publish(github, repo)
    openPullRequest(github, base, head)
    const context = {
      github,
      vars: { KESTRA_STAGING_URL: staging.url },
      secrets: {
        KESTRA_STAGING_USERNAME: CREDENTIALS.username,
        KESTRA_STAGING_PASSWORD: CREDENTIALS.password
      }
    }
    const opened = pullRequestEvent(repo, base, head)
    const runs = await runWorkflow(
      workflowOf(block, PLAN),
      { ...opened, payload: { ...opened.payload, action: 'opened' } },
      context
    )
    expect(jobsOf(runs)).toEqual(['preview'])
    expectSucceeded(runs)
    expect(serverView(staging, inPrefix('pr-7')).flows.map((f) => f.id)).toEqual([
      'report',
      'smoke'
    ])
  },

  'docs/workflows.md › Smoke runs and rollback · .github/workflows/kestra-deploy.yml': async (
    block
  ) => {
    const kestra = await emulator()
    const github = await fakeGitHub()
    const hello = `id: hello\nnamespace: ${NS}\ninputs:\n  - id: name\n    type: STRING\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "hello {{ inputs.name }}"\n`
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: hello })
    const base = repo.head()
    const merge = repo.commit({ [`${NS}/flows/etl_orders.yml`]: flow(NS, 'etl_orders') })
    publish(github, repo)
    const context = { github, vars: { KESTRA_URL: kestra.url }, secrets: OSS }
    const runs = await runWorkflow(workflowOf(block, PLAN), pushEvent(repo, base, merge), context)
    expect(jobsOf(runs)).toEqual(['deploy'])
    expectSucceeded(runs)
    expect(runs[0]!.result.outputs).toMatchObject({ smoke: 'passed', 'rolled-back': 'false' })
  },

  'docs/workflows.md › Drift pull requests with their checks · .github/workflows/kestra-drift.yml (with a GitHub App)':
    async (block) => {
      const app = {
        clientId: 'Iv23liKestraGitOps',
        privateKey: '-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----\n',
        token: 'ghs_AppInstallationToken_of_the_docs',
        permissions: { contents: 'write', 'pull-requests': 'write' } as const
      }
      // The repository keeps GitHub's default: Actions may not open pull requests; the App may.
      const stage = await driftStage({
        actionsCanCreatePullRequests: false,
        tokens: {
          [app.token]: {
            user: { login: 'acme-kestra-gitops[bot]', type: 'Bot' },
            permissions: app.permissions
          }
        }
      })
      const context: Context = {
        github: stage.github,
        vars: { KESTRA_URL: stage.kestra.url, KESTRA_GITOPS_APP_CLIENT_ID: app.clientId },
        secrets: { ...OSS, KESTRA_GITOPS_APP_KEY: app.privateKey },
        app
      }
      stage.kestra.clearLog()
      const runs = await runWorkflow(
        workflowOf(block, PLAN),
        scheduleEvent(stage.repo, stage.head),
        context
      )
      expect(jobsOf(runs)).toEqual(['drift'])
      expectSucceeded(runs)
      expect([...stage.github.state.pulls.values()].map((p) => [p.head.ref, p.user.login])).toEqual(
        [['kestra-gitops/drift-default', 'acme-kestra-gitops[bot]']]
      )
      expect(stage.driftIssues().map((issue) => issue.user.login)).toEqual(['github-actions[bot]'])
      expect(stage.kestraWrites()).toEqual([])
    }
}

describe('every workflow of the README, docs/workflows.md and docs/environments.md, run as written', () => {
  const blocks = workflowBlocks()

  it('has a scenario for each block that holds a step of this action, and none for a block that is gone', () => {
    expect(blocks.map((block) => block.key).sort()).toEqual(Object.keys(SCENARIOS).sort())
  })

  for (const block of blocks) {
    const scenario = SCENARIOS[block.key]
    it.skipIf(!scenario)(block.key, () => scenario!(block), 120_000)
  }
})
