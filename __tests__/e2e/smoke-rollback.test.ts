/**
 * Smoke runs and rollback (docs/smoke-and-rollback.md): `node dist/index.js` deploying on push against
 * the Kestra emulator, which runs executions with a scripted outcome and duration.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pushEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const MARKER = 'kestra-gitops-commit'

/** A flow with a required input, as a smoke target. */
const GREETER = `id: greeter\nnamespace: ${NS}\ninputs:\n  - id: greeting\n    type: STRING\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ inputs.greeting }}"\n`

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/**
 * The server holds the base commit (flows child and old, files /keep.txt and /gone.txt, the base commit's
 * marker); the pushed commit updates child and /keep.txt, creates greeter, fresh and /new.txt, and deletes
 * old and /gone.txt.
 */
async function setup(): Promise<void> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({
    [`${NS}/flows/child.yml`]: flow(NS, 'child'),
    [`${NS}/flows/old.yml`]: flow(NS, 'old'),
    [`${NS}/files/keep.txt`]: 'keep v1\n',
    [`${NS}/files/gone.txt`]: 'gone\n'
  })
  base = repo.head()
  head = repo.commit({
    [`${NS}/flows/child.yml`]: flow(NS, 'child', ' v2'),
    [`${NS}/flows/old.yml`]: null,
    [`${NS}/flows/greeter.yml`]: GREETER,
    [`${NS}/flows/fresh.yml`]: flow(NS, 'fresh'),
    [`${NS}/files/keep.txt`]: 'keep v2\n',
    [`${NS}/files/gone.txt`]: null,
    [`${NS}/files/new.txt`]: 'new\n'
  })
  kestra.seed({
    flows: [
      { namespace: NS, id: 'child', source: flow(NS, 'child'), revisions: 3 },
      { namespace: NS, id: 'old', source: flow(NS, 'old') }
    ],
    files: [
      { namespace: NS, path: '/keep.txt', content: 'keep v1\n' },
      { namespace: NS, path: '/gone.txt', content: 'gone\n' }
    ],
    kv: [{ namespace: NS, key: MARKER, value: { commit: base, repository: 'octo/kestra-repo' } }]
  })
}

function deploy(inputs: Record<string, string>) {
  return runAction({
    ...pushEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, delete: 'true', ...inputs }
  })
}

/** What a user sees of the server: live flows' sources, files' bytes, KV values. */
function serverState() {
  const snapshot = kestra.snapshot()
  return {
    flows: snapshot.flows
      .filter((f) => !f.deleted)
      .map((f) => ({ namespace: f.namespace, id: f.id, source: f.source })),
    files: snapshot.files.map((f) => ({
      namespace: f.namespace,
      path: f.path,
      text: f.bytes.toString('utf8')
    })),
    kv: snapshot.kv
  }
}

describe('smoke runs and rollback, end to end', () => {
  it('a passing smoke run: execution started with its inputs, reported with its link, output passed', async () => {
    await setup()
    const result = await deploy({ 'smoke-flows': `${NS}.greeter greeting="hello there"` })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs).toMatchObject({ smoke: 'passed', 'rolled-back': 'false' })
    const [execution] = kestra.executions()
    expect(kestra.executions()).toHaveLength(1)
    expect(execution).toMatchObject({ flowId: 'greeter', inputs: { greeting: 'hello there' } })
    expect(result.stdout).toContain('::group::Smoke runs')
    expect(result.summary).toContain('✅ **Smoke runs passed** (1)')
    expect(result.summary).toContain(
      `[${execution!.id}](${kestra.url}/ui/main/executions/${NS}/greeter/${execution!.id})`
    )
    expect(result.summary).toMatch(/\| ✅ SUCCESS \| \d+\.\d s \|/)
  })

  it('a failing smoke run with rollback: the server holds exactly what it held before, marker included', async () => {
    await setup()
    const before = serverState()
    kestra.scriptExecutions(NS, 'child', { state: 'FAILED', durationMs: 200 })
    const result = await deploy({ 'smoke-flows': `${NS}.child`, rollback: 'true' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'true' })
    expect(serverState()).toEqual(before)
    expect(kestra.flowRevisions(NS, 'child').map((f) => f.revision)).toEqual([1, 2, 3, 4, 5])
    expect(result.summary).toMatch(/^### Kestra deploy: ↩️ rolled back, a smoke run failed, /)
    expect(result.summary).toContain('❌ **Smoke runs failed** (1 of 1)')
    expect(result.summary).toContain('↩️ **Rolled back**')
    expect(result.summary).toMatch(/\| company\.team\.old \| flow \| deleted \| restored \|/)
    expect(result.stdout).toMatch(
      /::error::Smoke run\(s\) failed: company\.team\.child \([^)]*FAILED\)\.%0AThe deploy was rolled back: every resource it changed is back as it was before, and the deployed-commit marker too\./
    )
    expect(result.stdout).toContain('Rollback: complete (7 resource(s) back as before).')
    expect(serverState().kv.map((e) => e.key)).toEqual([MARKER])
  })

  it('a failing smoke run without rollback: the deploy stays, the job fails', async () => {
    await setup()
    kestra.scriptExecutions(NS, 'child', { state: 'FAILED' })
    const result = await deploy({ 'smoke-flows': `${NS}.child` })
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ smoke: 'failed', 'rolled-back': 'false' })
    expect(serverState().flows.map((f) => f.id)).toEqual(['child', 'fresh', 'greeter'])
    expect(serverState().kv).toEqual([
      expect.objectContaining({
        key: MARKER,
        // The marker also carries the deploy's flow checks (docs/performance.md#incremental-planning).
        value: expect.objectContaining({ commit: head, repository: 'octo/kestra-repo' })
      })
    ])
    expect(result.stdout).toContain('The deploy stays in place (rollback is false).')
  })

  it('a smoke run still going at the timeout is named, counts as failed and is left running', async () => {
    await setup()
    kestra.scriptExecutions(NS, 'fresh', { durationMs: 600_000 })
    const result = await deploy({
      'smoke-flows': `${NS}.fresh\n${NS}.greeter greeting=hi`,
      'smoke-timeout-seconds': '1'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.smoke).toBe('failed')
    const slow = kestra.executions().find((e) => e.flowId === 'fresh')!
    expect(result.summary).toContain(`[${slow.id}](`)
    expect(result.summary).toContain('⏱️ RUNNING (timed out)')
    expect(result.summary).toContain('still running at the smoke timeout: left running')
    expect(result.stdout).toContain(`company.team.fresh (${slow.id}: timed out)`)
    expect(slow.killedAt).toBeUndefined()
  })

  it('a failed write with rollback: what was written is put back, smoke is skipped', async () => {
    await setup()
    const before = serverState()
    kestra.inject({ route: 'flows.create', status: 422, times: 1 })
    const result = await deploy({ 'smoke-flows': `${NS}.greeter greeting=hi`, rollback: 'true' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ smoke: 'skipped', 'rolled-back': 'true' })
    expect(kestra.executions()).toEqual([])
    expect(serverState()).toEqual(before)
    expect(result.summary).toMatch(/\| company\.team:\/keep\.txt \| file \| updated \| restored \|/)
    // What was applied is back as it was: nothing says it stays, and a re-run writes it again.
    expect(result.summary).not.toContain('is not written again')
    expect(result.summary).toContain(
      'Re-running the deploy plans again from the server as the rollback below left it'
    )
    const error = result.annotations.find((a) => a.severity === 'error')
    expect(error?.message).toContain(
      'Re-run the workflow to deploy again from the server as the rollback left it.'
    )
    expect(error?.message).not.toContain('not written again')
  })
})
