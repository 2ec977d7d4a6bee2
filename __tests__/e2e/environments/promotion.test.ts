/**
 * Environments on GitHub (docs/environments.md#environments-on-github): a deploy with `environment` records
 * a GitHub deployment of its commit (in_progress, then success or failure after the writes and smoke runs),
 * `require-verified-in` refuses, before any write, a commit that environment has not verified, and the job
 * summary shows where each commit runs. Two Kestra servers (staging, production), one fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, pushEvent } from '../../../test-support/scenario.js'
import { deployments, githubCalls, kestraWrites, publish, RUN_URL } from './stage.js'

const NS = 'company.team'

let staging: Emulator
let production: Emulator
let github: FakeGitHub
let repo: GitRepo
const commits: string[] = []

function short(sha: string): string {
  return sha.slice(0, 7)
}

/** A push to main deploys the new commit to staging, smoke-testing `company.team.check`. */
function toStaging(before: string, after: string) {
  return runAction({
    ...pushEvent(repo, before, after),
    githubApiUrl: github.url,
    inputs: {
      server: staging.url,
      ...CREDENTIALS,
      environment: 'staging',
      'smoke-flows': `${NS}.check`
    }
  })
}

/** A manual run promotes a commit to production, only when staging verified it. */
function toProduction(sha: string) {
  return runAction({
    ...dispatchEvent(repo, sha),
    githubApiUrl: github.url,
    inputs: {
      server: production.url,
      ...CREDENTIALS,
      environment: 'production',
      'require-verified-in': 'staging'
    }
  })
}

function commit(message: string): string {
  const sha = repo.commit({ [`${NS}/flows/check.yml`]: flow(NS, 'check', ` ${message}`) }, message)
  commits.push(sha)
  publish(github, repo)
  return sha
}

beforeAll(async () => {
  staging = await startEmulator({ basicAuth: CREDENTIALS })
  production = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ [`${NS}/flows/check.yml`]: flow(NS, 'check', ' v0') })
  commits.push(repo.head())
  publish(github, repo)
})

afterAll(async () => {
  await staging?.close()
  await production?.close()
  await github?.close()
})

describe('staging, then production', () => {
  it('a staging deploy records in_progress then success, with the Kestra UI and the run as links', async () => {
    const first = commit('v1')
    const from = github.requests.length
    const result = await toStaging(commits[0]!, first)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const [recorded] = deployments(github)
    expect(recorded).toMatchObject({
      environment: 'staging',
      sha: first,
      transient: false,
      production: false
    })
    expect(recorded!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(recorded!.statuses.at(-1)).toMatchObject({
      environmentUrl: `${staging.url}/ui/main/namespaces/edit/${NS}`,
      logUrl: RUN_URL
    })
    // The calls this adds to a deploy: the deployment, its two statuses, and the environments table's reads.
    const calls = githubCalls(github, from).filter((c) => c.includes('/deployments'))
    expect(calls.slice(0, 3)).toEqual([
      'POST /deployments',
      expect.stringMatching(/^POST \/deployments\/\d+\/statuses$/),
      expect.stringMatching(/^POST \/deployments\/\d+\/statuses$/)
    ])
  })

  it('production refuses a commit staging has not verified, naming the one it has, and writes nothing', async () => {
    const unverified = commit('v2')
    const result = await toProduction(unverified)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.deployed).toBe('false')
    const error = result.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain('staging')
    expect(error).toContain(short(unverified))
    expect(error).toContain(short(commits[1]!))
    expect(kestraWrites(production)).toEqual([])
    expect(deployments(github).filter((d) => d.environment === 'production')).toEqual([])
  })

  it('accepts it once staging deployed it successfully', async () => {
    const verified = commits[2]!
    expect((await toStaging(commits[1]!, verified)).exitCode).toBe(0)
    const result = await toProduction(verified)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs.deployed).toBe('true')
    expect(production.snapshot().flows.map((f) => f.source)).toEqual([flow(NS, 'check', ' v2')])
    const recorded = deployments(github).filter((d) => d.environment === 'production')
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({ sha: verified, production: true })
    expect(recorded[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
  })

  it('a staging deploy whose smoke run fails records failure, and production keeps refusing it', async () => {
    const broken = commit('v3')
    staging.scriptExecutions(NS, 'check', { state: 'FAILED', durationMs: 50 })
    const result = await toStaging(commits[2]!, broken)
    expect(result.exitCode).toBe(1)
    const recorded = deployments(github).at(-1)!
    expect(recorded).toMatchObject({ environment: 'staging', sha: broken })
    expect(recorded.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])

    production.clearLog()
    const refused = await toProduction(broken)
    expect(refused.exitCode).toBe(1)
    const error = refused.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain(short(broken))
    expect(error).toContain(short(commits[2]!))
    expect(kestraWrites(production)).toEqual([])
  })

  it('a re-run that writes nothing keeps the failed verdict: production still refuses', async () => {
    staging.scriptExecutions(NS, 'check', { state: 'SUCCESS', durationMs: 10 })
    staging.clearLog()
    const rerun = await toStaging(commits[2]!, commits[3]!)
    expect(kestraWrites(staging)).toEqual([])
    expect(rerun.outputs.smoke).toBe('skipped')
    const recorded = deployments(github).at(-1)!
    expect(recorded).toMatchObject({ environment: 'staging', sha: commits[3] })
    expect(recorded.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
    expect((await toProduction(commits[3]!)).exitCode).toBe(1)
  })

  it('the job summary shows every environment: commit, state, when, link', async () => {
    const fixed = commit('v4')
    const result = await toStaging(commits[3]!, fixed)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const table = result.summary.slice(result.summary.indexOf('### Environments'))
    expect(table).toMatch(/\| Environment \| Commit \| State \| When \| Link \|/)
    const row = (environment: string) =>
      table.split('\n').find((line) => line.startsWith(`| ${environment} |`))
    expect(row('staging')).toContain(short(fixed))
    expect(row('staging')).toContain('success')
    expect(row('staging')).toContain(`${staging.url}/ui/main/namespaces/edit/${NS}`)
    expect(row('production')).toContain(short(commits[2]!))
    expect(row('production')).toContain('success')
    expect(row('production')).toContain(`${production.url}/ui/main/namespaces/edit/${NS}`)
  })

  it('without deployments: write, it says so before writing anything', async () => {
    const next = commit('v5')
    github.setPermissions({ deployments: 'read' })
    staging.clearLog()
    try {
      const result = await toStaging(commits[4]!, next)
      expect(result.exitCode).toBe(1)
      const error = result.annotations.find((a) => a.severity === 'error')!.message
      expect(error).toContain('deployments: write')
      expect(kestraWrites(staging)).toEqual([])
    } finally {
      github.setPermissions({})
    }
  })
})

/** Someone (a later workflow, a person) adds a status to a deployment through GitHub's API. */
async function addStatus(deploymentId: number, state: string): Promise<void> {
  const response = await fetch(
    `${github.url}/repos/octo/kestra-repo/deployments/${deploymentId}/statuses`,
    {
      method: 'POST',
      headers: { authorization: 'token ghp_operator', 'content-type': 'application/json' },
      body: JSON.stringify({ state })
    }
  )
  expect(response.status).toBe(201)
}

describe('only the latest success, failure or error of a deployment counts', () => {
  it('a staging deployment that failed after succeeding is refused, also once its last status is inactive', async () => {
    const sha = commit('v6')
    expect((await toStaging(commits[5]!, sha)).exitCode).toBe(0)
    const staged = github.state.deployments.at(-1)!
    expect(staged).toMatchObject({ environment: 'staging', sha })
    for (const state of ['failure', 'inactive', 'queued', 'inactive']) {
      await addStatus(staged.id, state)
      production.clearLog()
      const refused = await toProduction(sha)
      expect(refused.exitCode).toBe(1)
      expect(refused.outputs.deployed).toBe('false')
      const error = refused.annotations.find((a) => a.severity === 'error')!.message
      expect(error).toContain(short(sha))
      expect(kestraWrites(production)).toEqual([])
    }
    // A later success (then superseded: inactive) verifies it again.
    await addStatus(staged.id, 'success')
    await addStatus(staged.id, 'inactive')
    const accepted = await toProduction(sha)
    expect(accepted.exitCode, accepted.stdout + accepted.stderr).toBe(0)
    expect(production.snapshot().flows.map((f) => f.source)).toEqual([flow(NS, 'check', ' v6')])
  })
})
