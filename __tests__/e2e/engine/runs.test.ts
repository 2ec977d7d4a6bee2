/**
 * Journeys whose verdict only a running Kestra gives, on Kestra's own engine of each released line
 * (docs/kestra.md#kestras-engine): the server's validation on the right line, drift made through Kestra's flow
 * repository as the UI makes it, deletions, smoke executions that really run (a Log flow succeeds, a Fail flow
 * fails) and the rollback after a failed one, restoring exact content, and the guard on a paused execution.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import {
  engineEnv,
  engineFetch,
  engineJson,
  type KestraEngine
} from '../../../test-support/kestra-engine.js'
import { runAction } from '../../../test-support/runner.js'
import { flow, pushEvent } from '../../../test-support/scenario.js'
import { outputsOf, runCli } from '../cli/run-cli.js'

const engines = inject('kestraEngines')

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

function namespaceFor(engine: KestraEngine, name: string): string {
  return `engine.${engine.version.replace(/\./g, '')}.${name}.${randomBytes(3).toString('hex')}`
}

const failing = (namespace: string, id: string) =>
  `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n    errorMessage: smoke says no\n`

const pausing = (namespace: string, id: string, extra = '') =>
  `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: resumed${extra}\n`

async function revisionsOf(engine: KestraEngine, namespace: string, id: string) {
  const all = await engineJson<{ revision: number; deleted?: boolean }[]>(
    engine,
    `/flows/${namespace}/${id}/revisions?allowDelete=true`
  )
  return all.map(({ revision, deleted }) => (deleted ? `${revision} deleted` : `${revision}`))
}

async function source(engine: KestraEngine, namespace: string, id: string) {
  const response = await engineFetch(engine, `/flows/${namespace}/${id}?source=true`)
  if (response.status === 404) return undefined
  return ((await response.json()) as { source: string }).source
}

/**
 * Polls an execution until it reaches `state` (or fails the test after a minute); a 404 right after the start
 * is an execution not recorded yet (docs/kestra.md#read-an-execution).
 */
async function awaitState(engine: KestraEngine, id: string, state: string) {
  const deadline = Date.now() + 60_000
  let current = 'not recorded'
  while (Date.now() < deadline) {
    const response = await engineFetch(engine, `/executions/${id}`)
    if (response.ok)
      current = ((await response.json()) as { state: { current: string } }).state.current
    else expect(response.status).toBe(404)
    if (current === state) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`execution ${id} stayed ${current}`)
}

describe.skipIf(engines.length === 0).each(engines)('Kestra engine $version', (engine) => {
  const env = engineEnv(engine)

  it(`${engine.version}: validate shows the server's verdict on the flow's line`, async () => {
    const ns = namespaceFor(engine, 'validate')
    const repo = createGitRepo({
      [`${ns}/flows/odd.yml`]: flow(ns, 'odd').replace(
        'io.kestra.plugin.core.log.Log',
        'io.kestra.plugin.core.log.UnknownThing'
      )
    })
    const result = await runCli(repo.dir, ['validate', '--no-color'], env)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      new RegExp(`^${ns.replace(/\./g, '\\.')}/flows/odd\\.yml:5(:\\d+)? error .*UnknownThing`, 'm')
    )
  })

  it(`${engine.version}: drift made through the flow repository is planned and reverted; a removed flow is deleted with --delete`, async () => {
    const ns = namespaceFor(engine, 'drift')
    const repo = createGitRepo({
      [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
      [`${ns}/flows/gone.yml`]: flow(ns, 'gone')
    })
    const first = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(first.exitCode, first.stderr).toBe(0)

    // The UI saves through FlowController.updateFlow: the same repository update, a new revision.
    const edited = await engineFetch(engine, `/flows/${ns}/hello`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-yaml' },
      body: flow(ns, 'hello', ' (edited in the UI)')
    })
    expect(edited.status).toBe(200)
    const plan = await runCli(repo.dir, ['plan', '--verbose'], env)
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toContain(`~ update flow ${ns}.hello`)
    expect(plan.stdout).toContain('-    message: hello from hello (edited in the UI)')

    repo.commit({ [`${ns}/flows/gone.yml`]: null })
    const deploy = await runCli(
      repo.dir,
      ['deploy', '--auto-approve', '--delete', '--verbose'],
      env
    )
    expect(deploy.exitCode, deploy.stderr).toBe(0)
    expect(outputsOf(deploy.stdout)).toMatchObject({ updated: '1', deleted: '1' })
    expect(await source(engine, ns, 'hello')).toBe(flow(ns, 'hello'))
    expect(await source(engine, ns, 'gone')).toBeUndefined()
    // Kestra numbers a return to earlier text as a new revision, and a delete as one more, marked deleted.
    expect(await revisionsOf(engine, ns, 'hello')).toEqual(['1', '2', '3'])
    expect(await revisionsOf(engine, ns, 'gone')).toEqual(['1', '2 deleted'])
  })

  it(`${engine.version}: smoke runs really execute: a Log flow passes; a Fail flow fails and the rollback restores the exact content`, async () => {
    const ns = namespaceFor(engine, 'smoke')
    const repo = createGitRepo({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello') })
    const seeded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(seeded.exitCode, seeded.stderr).toBe(0)
    github = await startFakeGitHub()
    const inputs = {
      server: engine.url,
      username: engine.username,
      password: engine.password,
      rollback: 'true'
    }

    const base = repo.head()
    const passing = repo.commit({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello', ' v2') })
    const passed = await runAction({
      ...pushEvent(repo, base, passing),
      githubApiUrl: github.url,
      inputs: { ...inputs, 'smoke-flows': `${ns}.hello` }
    })
    expect(passed.exitCode, passed.stdout).toBe(0)
    expect(passed.outputs.smoke).toBe('passed')
    expect(passed.summary).toContain('SUCCESS')

    const broken = repo.commit({
      [`${ns}/flows/hello.yml`]: flow(ns, 'hello', ' v3'),
      [`${ns}/flows/broken.yml`]: failing(ns, 'broken')
    })
    const failed = await runAction({
      ...pushEvent(repo, passing, broken),
      githubApiUrl: github.url,
      inputs: { ...inputs, 'smoke-flows': `${ns}.hello\n${ns}.broken` }
    })
    expect(failed.exitCode).not.toBe(0)
    expect(failed.outputs.smoke).toBe('failed')
    expect(failed.outputs['rolled-back']).toBe('true')
    expect(failed.summary).toContain('FAILED')
    expect(await source(engine, ns, 'hello')).toBe(flow(ns, 'hello', ' v2'))
    expect(await source(engine, ns, 'broken')).toBeUndefined()
    // v1, v2, v3, then v2's text again: a fourth revision, as Kestra numbers it.
    expect(await revisionsOf(engine, ns, 'hello')).toEqual(['1', '2', '3', '4'])
    expect(await revisionsOf(engine, ns, 'broken')).toEqual(['1', '2 deleted'])
  })

  it(`${engine.version}: a paused execution of a flow the deploy updates stops it with running-executions: fail`, async () => {
    const ns = namespaceFor(engine, 'guard')
    const repo = createGitRepo({ [`${ns}/flows/waiter.yml`]: pausing(ns, 'waiter') })
    const seeded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(seeded.exitCode, seeded.stderr).toBe(0)
    const started = await engineFetch(engine, `/executions/${ns}/waiter`, {
      method: 'POST',
      body: new FormData()
    })
    expect(started.status).toBe(200)
    const { id } = (await started.json()) as { id: string }
    await awaitState(engine, id, 'PAUSED')

    repo.commit({ [`${ns}/flows/waiter.yml`]: pausing(ns, 'waiter', ' v2') })
    const refused = await runCli(
      repo.dir,
      ['deploy', '--auto-approve', '--running-executions', 'fail'],
      env
    )
    expect(refused.exitCode).not.toBe(0)
    expect(`${refused.stdout}${refused.stderr}`).toContain(id)
    expect(await source(engine, ns, 'waiter')).toBe(pausing(ns, 'waiter'))
    expect(await revisionsOf(engine, ns, 'waiter')).toEqual(['1'])
  })
})
