/**
 * Each smoke flow executes once, and the smoke timeout bounds the whole phase
 * (docs/smoke-and-rollback.md#starting-once): the bundled action deploying on push against the
 * emulator, which loses the answer to an execution start or stalls a poll.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pushEvent } from '../../test-support/scenario.js'

const NS = 'company.team'

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/** The server holds the base commit; the pushed one updates `hello`, the smoke flow. */
async function setup(): Promise<void> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
  base = repo.head()
  head = repo.commit({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello', ' v2') })
  kestra.seed({ flows: [{ namespace: NS, id: 'hello', source: flow(NS, 'hello') }] })
}

function deploy(inputs: Record<string, string>) {
  return runAction({
    ...pushEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, 'smoke-flows': `${NS}.hello`, ...inputs }
  })
}

const starts = () => kestra.requests.filter((r) => r.route === 'executions.create')

describe('a smoke flow executes once', () => {
  it('the server took the start and the connection dropped: looked up by label, exactly one execution', async () => {
    await setup()
    kestra.inject({ route: 'executions.create', afterHandling: true, reset: true })
    const result = await deploy({})
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.smoke).toBe('passed')
    expect(kestra.executions()).toHaveLength(1)
    expect(starts()).toHaveLength(1)
    const [execution] = kestra.executions()
    const labels = Object.fromEntries(execution!.labels.map((l) => [l.key, l.value]))
    expect(labels).toMatchObject({ 'kestra-gitops.smoke': '1', 'kestra-gitops.attempt': '1' })
    expect(labels['kestra-gitops.run']).toMatch(/^4242-[0-9a-f]{8}$/)
    expect(kestra.requests.some((r) => r.route === 'executions.search')).toBe(true)
    expect(result.stdout).toMatch(/the start's answer was lost .*; looking it up by label/)
    expect(result.summary).toContain(`| ✅ SUCCESS |`)
    expect(result.summary).toContain(execution!.id)
  })

  it('the server took the start and its answer timed out: exactly one execution', async () => {
    await setup()
    kestra.inject({ route: 'executions.create', afterHandling: true, hangMs: 10_000 })
    const result = await deploy({ 'timeout-seconds': '2' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(kestra.executions()).toHaveLength(1)
    expect(starts()).toHaveLength(1)
  })

  it('the start never reached the server: nothing recorded under its labels, so it is sent again, once', async () => {
    await setup()
    kestra.inject({ route: 'executions.create', reset: true })
    const result = await deploy({})
    expect(result.exitCode, result.stdout).toBe(0)
    expect(kestra.executions()).toHaveLength(1)
    expect(starts()).toHaveLength(2)
    const attempt = kestra.executions()[0]!.labels.find((l) => l.key === 'kestra-gitops.attempt')
    expect(attempt?.value).toBe('2')
  }, 90_000)
})

describe('the smoke timeout bounds the whole phase', () => {
  it('smoke-timeout-seconds 3 with timeout-seconds 30 and a stalled poll: the phase ends within 4 s', async () => {
    await setup()
    kestra.scriptExecutions(NS, 'hello', { durationMs: 600_000 })
    kestra.inject({ route: 'executions.get', hangMs: 60_000, times: 1_000 })
    const result = await deploy({ 'smoke-timeout-seconds': '3', 'timeout-seconds': '30' })
    const ended = Date.now()
    expect(result.exitCode).toBe(1)
    expect(result.outputs.smoke).toBe('failed')
    expect(result.summary).toContain('(timed out)')
    const phase = /^Smoke runs: failed \(1\) in (\d+\.\d) s\.$/m.exec(result.stdout)
    expect(phase, result.stdout).not.toBeNull()
    const reported = Number(phase![1])
    // The bound for the phase; the spawned process's own clock, not this test's.
    expect(reported).toBeGreaterThanOrEqual(2.9)
    expect(reported).toBeLessThanOrEqual(4)
    const started = starts()[0]!.at
    const polls = kestra.requests.filter((r) => r.route === 'executions.get')
    expect(Math.max(...polls.map((p) => p.at)) - started).toBeLessThan(4_000)
    // Seen from here, start request to exit: recorded for the report, bounded only loosely.
    expect(ended - started).toBeLessThan(4_000 + 6_000)
  })
})
