/**
 * Fork pull requests through the path the README recommends (docs/modes.md#fork-pull-requests): the
 * README's `workflow_run` workflow, run as written through the fake GitHub, finds the fork's pull request
 * (GitHub's payload lists none for a fork) and comments its plan there; nothing is written to Kestra, no
 * preview, and a deploy of a fork's code is refused. A same-repository pull request's run is found in the
 * payload itself. Two fork pull requests of one head (to two base branches) each start such a run, which cannot
 * tell which of them started it: each one of the same base gets the plan, one of another base is named.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { kestraWrites, publish, serverView } from './stage.js'
import { readmeWorkflow, runWorkflow, type Context } from './workflow-runner.js'

const NS = 'company.team'
const REPOSITORY = { id: 4242, full_name: 'octo/kestra-repo', owner: { login: 'octo' } }
const FORK = {
  id: 9999,
  full_name: 'stranger/kestra-repo',
  owner: { login: 'stranger' },
  fork: true
}

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string
let context: Context

/** The `workflow_run` GitHub sends when the pull request's plan workflow ends. */
function workflowRun(options: { headRepository: object; pullRequests?: unknown[] }) {
  return {
    eventName: 'workflow_run',
    // A workflow_run runs on the default branch: GITHUB_SHA is its last commit, not the pull request's.
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
        head_repository: options.headRepository,
        repository: REPOSITORY,
        pull_requests: options.pullRequests ?? []
      },
      repository: { ...REPOSITORY, default_branch: 'main' }
    },
    workspace: repo.dir
  }
}

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ [`${NS}/flows/report.yml`]: flow(NS, 'report') })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({ [`${NS}/flows/report.yml`]: flow(NS, 'report', ' from a fork') })
  repo.git('checkout', '-q', 'main')
  publish(github, repo)
  kestra.seed({ flows: [{ namespace: NS, id: 'report', source: flow(NS, 'report') }] })
  context = {
    github,
    vars: { KESTRA_URL: kestra.url },
    secrets: { KESTRA_USERNAME: CREDENTIALS.username, KESTRA_PASSWORD: CREDENTIALS.password }
  }
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

describe("a fork's pull request through the README's workflow_run", () => {
  it('gets its plan comment, from the head of the fork, with nothing written', async () => {
    github.seedPull({
      number: 7,
      head: { owner: 'stranger', ref: 'feature', sha: head },
      base: { ref: 'main', sha: base }
    })
    github.setPullFiles(7, [`${NS}/flows/report.yml`])
    repo.git('checkout', '-q', head) // what the recipe's checkout of the fork's head leaves
    try {
      const runs = await runWorkflow(
        readmeWorkflow('.github/workflows/kestra-fork-plan.yml'),
        workflowRun({ headRepository: FORK }),
        context
      )
      expect(runs.map((run) => run.job)).toEqual(['plan'])
      const { result } = runs[0]!
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(result.outputs).toMatchObject({ mode: 'plan', deployed: 'false' })
      const [comment, ...more] = github.comments(7)
      expect(more).toEqual([])
      expect(comment!.body).toMatch(/1 to update/)
      expect(comment!.body).toContain(head.slice(0, 7))
      expect(comment!.body).toContain('from a fork')
      expect(result.outputs['comment-url']).toBe(comment!.html_url)
      // Found through the API by the run's head: the fork's `owner:branch`.
      const lookup = github.requests.find((r) => r.path === '/repos/octo/kestra-repo/pulls')
      expect(lookup?.query).toMatchObject({ head: 'stranger:feature', state: 'open' })
      expect(kestraWrites(kestra)).toEqual([])
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })

  it("never reads the fork's own kestra-gitops.yml: the workflow's settings decide, and the log says so", async () => {
    github.seedPull({
      number: 8,
      head: { owner: 'stranger', ref: 'feature', sha: head },
      base: { ref: 'main', sha: base }
    })
    repo.git('checkout', '-q', head)
    // What the fork's checkout could hold: settings that would choose for the workflow.
    writeFileSync(join(repo.dir, 'kestra-gitops.yml'), 'comment-key: fork-chooses\ndelete: true\n')
    try {
      const event = workflowRun({ headRepository: FORK })
      const result = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(result.stdout).toContain('its kestra-gitops.yml is not read')
      const comments = github.comments(8).map((c) => c.body.split('\n')[0])
      expect(comments).toEqual(['<!-- kestra-gitops:default -->'])
      expect(kestraWrites(kestra)).toEqual([])
    } finally {
      rmSync(join(repo.dir, 'kestra-gitops.yml'))
      repo.git('checkout', '-q', 'main')
    }
  })

  it('never gets a preview, and a deploy of its code is refused', async () => {
    repo.git('checkout', '-q', head)
    try {
      const event = workflowRun({ headRepository: FORK })
      const inputs = { server: kestra.url, ...CREDENTIALS }
      const previewed = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { ...inputs, preview: 'true', 'smoke-flows': `${NS}.report` }
      })
      expect(previewed.exitCode, previewed.stdout + previewed.stderr).toBe(0)
      expect(previewed.annotations.find((a) => a.severity === 'notice')?.message).toMatch(
        /No preview: this pull request comes from a fork/
      )
      const deployed = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { ...inputs, mode: 'deploy' }
      })
      expect(deployed.exitCode).toBe(1)
      expect(deployed.annotations.find((a) => a.severity === 'error')?.message).toMatch(
        /never deployed/
      )
      expect(kestraWrites(kestra)).toEqual([])
      expect(serverView(kestra, (n) => n.startsWith('pr-7.'))).toEqual({
        flows: [],
        files: [],
        kv: []
      })
      expect(kestra.executions()).toEqual([])
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })

  it('a run whose pull request moved on is planned and not commented, with a notice', async () => {
    github.seedPull({
      number: 9,
      head: { owner: 'stranger', ref: 'other', sha: base },
      base: { ref: 'main', sha: base }
    })
    repo.git('checkout', '-q', head)
    try {
      const event = workflowRun({ headRepository: FORK })
      const payload = event.payload as { workflow_run: Record<string, unknown> }
      payload.workflow_run.head_branch = 'other'
      const result = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(result.annotations.find((a) => a.severity === 'notice')?.message).toContain(
        'No open pull request has the head stranger:other at'
      )
      expect(github.comments(9)).toEqual([])
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })

  it("a same-repository pull request's run is read from the payload's entry, not looked up", async () => {
    const before = github.requests.length
    repo.git('checkout', '-q', head)
    try {
      const event = workflowRun({
        headRepository: REPOSITORY,
        pullRequests: [
          {
            id: 1,
            number: 8,
            head: { ref: 'feature', sha: head, repo: { id: 4242, url: 'x', name: 'kestra-repo' } },
            base: { ref: 'main', sha: base, repo: { id: 4242, url: 'x', name: 'kestra-repo' } }
          }
        ]
      })
      github.setPullFiles(8, [`${NS}/flows/report.yml`])
      const result = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(github.comments(8)).toHaveLength(1)
      const calls = github.requests.slice(before).map((r) => `${r.method} ${r.path}`)
      expect(calls).not.toContain('GET /repos/octo/kestra-repo/pulls')
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })

  it('two fork pull requests at the same head and base both get the plan, whichever run started', async () => {
    for (const number of [21, 20]) {
      github.seedPull({
        number,
        head: { owner: 'stranger', ref: 'twin', sha: head },
        base: { ref: 'main', sha: base }
      })
      github.setPullFiles(number, [`${NS}/flows/report.yml`])
    }
    repo.git('checkout', '-q', head)
    try {
      const event = workflowRun({ headRepository: FORK })
      const payload = event.payload as { workflow_run: Record<string, unknown> }
      payload.workflow_run.head_branch = 'twin'
      // Two runs, one per pull request's workflow: their payloads are the same.
      for (const run of [1, 2]) {
        const result = await runAction({
          ...event,
          githubApiUrl: github.url,
          inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
        })
        expect(result.exitCode, result.stdout + result.stderr).toBe(0)
        expect(result.annotations.filter((a) => a.severity === 'warning')).toEqual([])
        expect(result.stdout).toMatch(
          /Pull-request comment (created|unchanged) on #21, which has the same head and base as #20/
        )
        expect(result.outputs['comment-url']).toBe(github.comments(20)[0]!.html_url)
        const [first, ...more] = github.comments(20)
        const [second, ...others] = github.comments(21)
        expect([more, others], `run ${run}`).toEqual([[], []])
        expect(first!.body).toMatch(/1 to update/)
        expect(second!.body).toBe(first!.body)
      }
      expect(kestraWrites(kestra)).toEqual([])
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })

  it('of two fork pull requests at the same head but different bases, the one without a plan is named', async () => {
    const release = repo.commit({ 'README.md': 'release\n' })
    repo.git('checkout', '-q', 'main')
    github.seedPull({
      number: 31,
      head: { owner: 'stranger', ref: 'pair', sha: head },
      base: { ref: 'release', sha: release }
    })
    github.seedPull({
      number: 30,
      head: { owner: 'stranger', ref: 'pair', sha: head },
      base: { ref: 'main', sha: base }
    })
    github.setPullFiles(30, [`${NS}/flows/report.yml`])
    repo.git('checkout', '-q', head)
    try {
      const event = workflowRun({ headRepository: FORK })
      const payload = event.payload as { workflow_run: Record<string, unknown> }
      payload.workflow_run.head_branch = 'pair'
      const result = await runAction({
        ...event,
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
      })
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      const warnings = result.annotations.filter((a) => a.severity === 'warning')
      expect(warnings.map((a) => a.message)).toEqual([
        expect.stringMatching(
          /^Pull request\(s\) #31 also have the head stranger:pair at [0-9a-f]{7}, but another base than #30: .* is commented on #30 only, and #31 get no plan from this head/
        )
      ])
      expect(github.comments(30)).toHaveLength(1)
      expect(github.comments(31)).toEqual([])
      expect(kestraWrites(kestra)).toEqual([])
    } finally {
      repo.git('checkout', '-q', 'main')
    }
  })
})
