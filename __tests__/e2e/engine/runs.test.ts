/**
 * Journeys whose verdict only a running Kestra gives, on Kestra's own engine of each released line
 * (docs/kestra.md#kestras-engine): the server's validation on the right line, drift made through Kestra's flow
 * repository as the UI makes it, deletions, smoke executions that really run (a Log flow succeeds, a Fail flow
 * fails) and the rollback after a failed one, restoring exact content, and the guard on a paused execution;
 * read-only flows and an identical re-deploy through the action; a race between the plan and its write; a
 * preview and its close; the drift watch's pull request; the review checks (secrets, KV, executions).
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import {
  awaitState,
  engineEnv,
  engineFetch,
  engineJson,
  type KestraEngine
} from '../../../test-support/kestra-engine.js'
import { runAction } from '../../../test-support/runner.js'
import {
  flow,
  pullRequestClosedEvent,
  pullRequestEvent,
  pushEvent,
  scheduleEvent
} from '../../../test-support/scenario.js'
import { outputsOf, runCli, runCliOnTerminal } from '../cli/run-cli.js'

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

/** The namespace's flows that are not deleted, `id@revision`. */
async function liveFlows(engine: KestraEngine, namespace: string) {
  const all = await engineJson<{ id: string; revision: number; deleted?: boolean }[]>(
    engine,
    `/flows/${namespace}`
  )
  return all
    .filter((f) => !f.deleted)
    .map((f) => `${f.id}@${f.revision}`)
    .sort()
}

async function source(engine: KestraEngine, namespace: string, id: string) {
  const response = await engineFetch(engine, `/flows/${namespace}/${id}?source=true`)
  if (response.status === 404) return undefined
  return ((await response.json()) as { source: string }).source
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

  // Each engine has its own password, and upgrade-server takes the main server's: the CLI's upgrade-check
  // needs no main server, so the 2.0.0 engine is asked alone.
  it.skipIf(!engine.version.startsWith('2.'))(
    `${engine.version}: upgrade-check --upgrade-server lists this engine's refusals, and writes nothing to it`,
    async () => {
      const ns = namespaceFor(engine, 'upgrade')
      const old = flow(ns, 'old').replace(
        'io.kestra.plugin.core.log.Log',
        'io.kestra.core.tasks.log.Log'
      )
      const repo = createGitRepo({ [`${ns}/flows/old.yml`]: old })
      const { KESTRA_URL: url, ...credentials } = env
      const result = await runCli(
        repo.dir,
        ['upgrade-check', '--no-color', '--upgrade-server', url!],
        credentials
      )
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stdout).toMatch(
        new RegExp(
          `^${ns.replace(/\./g, '\\.')}/flows/old\\.yml:5: error: Kestra rejects this flow: .*io\\.kestra\\.core\\.tasks\\.log\\.Log`,
          'm'
        )
      )
      expect(result.stdout).toContain('(1 mechanical, 0 manual refusal(s))')
      expect(await liveFlows(engine, ns)).toEqual([])
    }
  )

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

  it(`${engine.version}: read-only flows carry system.readOnly as Kestra stores them; an identical re-deploy through the action adds no revision`, async () => {
    const ns = namespaceFor(engine, 'readonly')
    const repo = createGitRepo({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello') })
    github = await startFakeGitHub()
    const inputs = {
      server: engine.url,
      username: engine.username,
      password: engine.password,
      'read-only': 'true'
    }
    const base = repo.head()
    const first = repo.commit({ [`${ns}/flows/other.yml`]: flow(ns, 'other') })
    const deployed = await runAction({
      ...pushEvent(repo, base, first),
      githubApiUrl: github.url,
      inputs
    })
    expect(deployed.exitCode, deployed.stdout).toBe(0)
    expect(deployed.outputs).toMatchObject({ deployed: 'true', created: '2' })
    const stored = await engineJson<{ labels?: { key: string; value: string }[] }>(
      engine,
      `/flows/${ns}/hello`
    )
    expect(stored.labels).toContainEqual({ key: 'system.readOnly', value: 'true' })

    const second = repo.commit({ 'README.md': 'documentation only\n' })
    const again = await runAction({
      ...pushEvent(repo, first, second),
      githubApiUrl: github.url,
      inputs
    })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.outputs).toMatchObject({ 'has-changes': 'false', deployed: 'false' })
    expect(await liveFlows(engine, ns)).toEqual(['hello@1', 'other@1'])
    expect(await revisionsOf(engine, ns, 'hello')).toEqual(['1'])
  })

  it(`${engine.version}: a flow edited in the UI while the plan waits for yes is not overwritten: the plan made again after 'yes' is not the approved one, nothing is written`, async () => {
    const ns = namespaceFor(engine, 'race')
    const repo = createGitRepo({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello') })
    const seeded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(seeded.exitCode, seeded.stderr).toBe(0)
    repo.commit({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello', ' from git') })
    const edit = flow(ns, 'hello', ' (edited in the UI meanwhile)')
    const raced = await runCliOnTerminal(repo.dir, ['deploy'], env, 'yes', async () => {
      const saved = await engineFetch(engine, `/flows/${ns}/hello`, {
        method: 'PUT',
        headers: { 'content-type': 'application/x-yaml' },
        body: edit
      })
      expect(saved.status).toBe(200)
    })
    expect(raced.exitCode, raced.output).not.toBe(0)
    expect(raced.output).toContain(
      'error reviewed-plan: the plan computed now is not the approved one. Nothing was deployed.'
    )
    expect(await source(engine, ns, 'hello')).toBe(edit)
    expect(await revisionsOf(engine, ns, 'hello')).toEqual(['1', '2'])
  })

  it(`${engine.version}: a preview is deployed into pr-7.* (a child namespace included) and removed when the pull request closes`, async () => {
    const ns = namespaceFor(engine, 'preview')
    const child = `${ns}.child`
    const repo = createGitRepo({
      [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
      [`${child}/flows/leaf.yml`]: flow(child, 'leaf'),
      [`${ns}/files/q.sql`]: 'select 1\n'
    })
    const base = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello', ' (in review)') })
    github = await startFakeGitHub()
    github.seedFromRepository(repo.dir)
    github.seedPull({
      number: 7,
      head: { ref: 'feature', sha: head },
      base: { ref: 'main', sha: base }
    })
    const inputs = {
      server: engine.url,
      username: engine.username,
      password: engine.password,
      preview: 'true'
    }
    const opened = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs
    })
    expect(opened.exitCode, opened.stdout).toBe(0)
    expect(opened.outputs).toMatchObject({ mode: 'plan', deployed: 'false' })
    expect(await source(engine, `pr-7.${ns}`, 'hello')).toBe(
      flow(`pr-7.${ns}`, 'hello', ' (in review)')
    )
    expect(await source(engine, `pr-7.${child}`, 'leaf')).toBe(flow(`pr-7.${child}`, 'leaf'))
    const file = await engineFetch(engine, `/namespaces/pr-7.${ns}/files?path=/q.sql`)
    expect(await file.text()).toBe('select 1\n')
    // Nothing is written outside pr-7.*: the pull request's namespaces hold nothing.
    expect(await liveFlows(engine, ns)).toEqual([])
    expect(github.comments(7)[0]!.body).toContain('### Preview')

    const closed = await runAction({
      ...pullRequestClosedEvent(repo, base, head, { merged: false }),
      githubApiUrl: github.url,
      inputs
    })
    expect(closed.exitCode, closed.stdout).toBe(0)
    expect(await liveFlows(engine, `pr-7.${ns}`)).toEqual([])
    expect(await liveFlows(engine, `pr-7.${child}`)).toEqual([])
    expect((await engineFetch(engine, `/namespaces/pr-7.${ns}/files?path=/q.sql`)).status).toBe(404)
    expect(
      (await engineFetch(engine, `/namespaces/pr-7.${ns}/kv/kestra-gitops-commit`)).status
    ).toBe(404)
    expect(github.comments(7)[0]!.body).toContain('Preview removed')
  })

  it(`${engine.version}: the drift watch brings a UI edit back as a pull request holding the engine's source`, async () => {
    const ns = namespaceFor(engine, 'watch')
    const repo = createGitRepo({
      [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
      [`${ns}/flows/quiet.yml`]: flow(ns, 'quiet')
    })
    const seeded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(seeded.exitCode, seeded.stderr).toBe(0)
    const edit = flow(ns, 'hello', ' (edited in the UI)')
    const saved = await engineFetch(engine, `/flows/${ns}/hello`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-yaml' },
      body: edit
    })
    expect(saved.status).toBe(200)
    github = await startFakeGitHub({ actionsCanCreatePullRequests: true })
    github.seedFromRepository(repo.dir)
    const watched = await runAction({
      ...scheduleEvent(repo, repo.head()),
      githubApiUrl: github.url,
      inputs: {
        server: engine.url,
        username: engine.username,
        password: engine.password,
        mode: 'drift',
        'drift-action': 'pull-request'
      }
    })
    expect(watched.exitCode, watched.stdout).toBe(0)
    expect(watched.outputs).toMatchObject({ drifted: '1', 'has-changes': 'true' })
    const [pull, ...more] = [...github.state.pulls.values()].filter((p) => p.state === 'open')
    expect(more).toEqual([])
    expect(pull).toMatchObject({ head: { ref: 'kestra-gitops/drift-default' } })
    expect(pull!.body).toContain(`${ns}.hello`)
    expect(pull!.body).toContain('revision 2')
    const { git } = github.state
    const tree = git.objects.flatten(
      git.objects.readCommit(git.resolveCommit('kestra-gitops/drift-default')!).tree
    )
    const blob = tree.get(`${ns}/flows/hello.yml`)!
    expect(git.objects.get(blob.sha)!.content.toString('utf8')).toBe(edit)
    // The watch writes nothing to Kestra.
    expect(await revisionsOf(engine, ns, 'hello')).toEqual(['1', '2'])
    expect(await revisionsOf(engine, ns, 'quiet')).toEqual(['1'])
  })

  it(`${engine.version}: the review checks on a pull request: a secret and a KV key the engine lacks, a key it holds, a paused execution`, async () => {
    const ns = namespaceFor(engine, 'review')
    const repo = createGitRepo({
      [`${ns}/flows/waiter.yml`]: pausing(ns, 'waiter'),
      [`kv/${ns}.yml`]: 'region: eu-west-1\n'
    })
    const seeded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(seeded.exitCode, seeded.stderr).toBe(0)
    const started = await engineFetch(engine, `/executions/${ns}/waiter`, {
      method: 'POST',
      body: new FormData()
    })
    const { id } = (await started.json()) as { id: string }
    await awaitState(engine, id, 'PAUSED')

    const base = repo.head()
    const uses = " {{ secret('ENGINE_NOPE') }} {{ kv('region') }} {{ kv('absent_key') }}"
    const head = repo.commit({ [`${ns}/flows/waiter.yml`]: pausing(ns, 'waiter', uses) })
    github = await startFakeGitHub()
    const reviewed = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: engine.url, username: engine.username, password: engine.password }
    })
    expect(reviewed.exitCode, reviewed.stdout).toBe(0)
    const body = github.comments(7)[0]!.body
    expect(body).toContain('🔑 2 missing names')
    expect(body).toContain('⏳ 1 execution not finished')
    expect(body).toContain(
      '**Not defined on the server:** secret <code>ENGINE&#95;NOPE</code>, KV key <code>absent&#95;key</code>\n'
    )
    expect(body).toContain('**1 execution not finished:** 1 PAUSED')
    expect(await revisionsOf(engine, ns, 'waiter')).toEqual(['1'])
  })
})
