import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY } from '../../../src/engine/record/marker.js'
import { DeployError } from '../../../src/model/errors.js'
import { startKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { outcomes, runDeploy, SETTINGS } from './run-deploy.js'
import { APPLY_KINDS } from '../../../src/resources/registry.js'

// Kestra refuses a Subflow task without its namespace (`@NotEmpty`); the emulator does not check plugins.
const callsChild = (id: string) =>
  flowSource(
    'team',
    id,
    '\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: team\n    flowId: child'
  )

describe('deploy: order and idempotence', () => {
  async function scenario() {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'old'), 2)
    server.seedFile('team', '/old.txt', 'old')
    const desired = {
      flows: [callsChild('parent'), flowSource('team', 'child'), flowSource('ops', 'x')],
      files: [
        { namespace: 'team', path: '/a.py', content: 'print(1)' },
        { namespace: 'ops', path: '/b.sql', content: 'select 1' }
      ]
    }
    const refs = [{ from: 'flow:team/parent', to: 'flow:team/child' }]
    return { server, desired, refs }
  }

  it('writes files, then subflows before callers, then deletions (flows, then files)', async () => {
    const { server, desired, refs } = await scenario()
    const result = await runDeploy(server.client, planFor(server, desired, { delete: true }), {
      refs
    })

    expect(result.status).toBe('applied')
    expect(result.applied).toBe(7)
    expect(outcomes(result)).toEqual({
      'ops:/b.sql': 'created',
      'ops.x': 'created',
      'team:/a.py': 'created',
      'team:/old.txt': 'deleted',
      'team.child': 'created',
      'team.old': 'deleted',
      'team.parent': 'created'
    })
    const writes = server.writes().filter((w) => !w.startsWith('kv.put'))
    const at = (call: string) => writes.indexOf(call)
    expect(writes).toHaveLength(7)
    expect(new Set(writes.slice(0, 2))).toEqual(
      new Set(['namespaces.files.upload ops:/b.sql', 'namespaces.files.upload team:/a.py'])
    )
    expect(at('flows.create team/child')).toBeLessThan(at('flows.create team/parent'))
    expect(at('flows.create ops/x')).toBeGreaterThan(1)
    expect(writes.slice(5)).toEqual([
      'flows.delete team/old',
      'namespaces.files.delete team:/old.txt'
    ])
    expect(server.flow('team', 'parent')?.source).toBe(callsChild('parent'))
    expect(server.file('team', '/a.py')?.toString()).toBe('print(1)')
  })

  it('writes a caller as soon as its subflow is written, not when every independent write is done', async () => {
    const server = await startKestra()
    server.hold('flows.create team/slow', 'flows.create team/parent')
    const desired = {
      flows: [callsChild('parent'), flowSource('team', 'child'), flowSource('team', 'slow')]
    }
    const refs = [{ from: 'flow:team/parent', to: 'flow:team/child' }]
    const result = await runDeploy(server.client, planFor(server, desired), { refs })

    expect(result.status).toBe('applied')
    const writes = server.handled().filter((w) => w.startsWith('flows.create'))
    expect(writes).toEqual([
      'flows.create team/child',
      'flows.create team/parent',
      'flows.create team/slow'
    ])
  })

  it("records a namespace's commit as soon as it holds it: at once when it has nothing to write", async () => {
    const server = await startKestra()
    server.hold('flows.create team/a', `kv.put quiet/${COMMIT_MARKER_KEY}`)
    const planned = planFor(server, { flows: [flowSource('team', 'a')] }, { namespaces: ['quiet'] })
    const result = await runDeploy(server.client, planned)

    expect(result.markedNamespaces).toEqual(['quiet', 'team'])
    expect(server.writes()).toEqual([
      `kv.put quiet/${COMMIT_MARKER_KEY}`,
      'flows.create team/a',
      `kv.put team/${COMMIT_MARKER_KEY}`
    ])
  })

  it('makes no write request when the same plan is deployed again', async () => {
    const { server, desired, refs } = await scenario()
    await runDeploy(server.client, planFor(server, desired, { delete: true }), { refs })
    server.clearLog()

    const again = await runDeploy(server.client, planFor(server, desired, { delete: true }), {
      refs
    })

    expect(again.status).toBe('nothing-to-do')
    expect(again.applied).toBe(0)
    expect(server.writes()).toEqual([])
    expect(server.reads().filter((r) => !r.startsWith('kv.get'))).toEqual([])
  })

  it('reports the new revision of an updated flow', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'a'), 3)
    const result = await runDeploy(
      server.client,
      planFor(server, { flows: [flowSource('team', 'a', '!')] })
    )
    expect(result.resources[0]).toMatchObject({ result: 'updated', revision: 4 })
    expect(result.resources[0].change).toMatchObject({ current: { revision: 3 } })
  })

  it('bounds the writes in flight by the concurrency setting', async () => {
    const server = await startKestra()
    // Each answer takes a while, so that writes sent together are seen together.
    server.emulator.setLatency(50)
    const files = Array.from({ length: 6 }, (_, i) => ({
      namespace: 'team',
      path: `/f${i}.txt`,
      content: `${i}`
    }))
    const result = await runDeploy(server.client, planFor(server, { files }), {
      settings: { ...SETTINGS, concurrency: 2 }
    })
    expect(result.applied).toBe(6)
    expect(server.maxWritesInFlight()).toBe(2)
  })
})

describe('deploy: compare before write', () => {
  it('reports a resource that moved since the plan as a conflict and writes the others', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'moved'), 2)
    server.seedFlow(flowSource('team', 'ok'), 5)
    server.seedFlow(flowSource('team', 'recreated'), 2)
    server.seedFile('team', '/data.csv', 'a,b')
    const planned = planFor(server, {
      flows: [
        flowSource('team', 'moved', '!'),
        flowSource('team', 'ok', '!'),
        flowSource('team', 'racer'),
        flowSource('team', 'twin'),
        flowSource('team', 'recreated', '!')
      ],
      files: [{ namespace: 'team', path: '/data.csv', content: 'a,b,c' }]
    })
    // Someone changes the server between the plan and the deploy.
    server.seedFlow(flowSource('team', 'moved', ' by hand'), 3)
    server.seedFile('team', '/data.csv', 'edited in the UI')
    server.seedFlow(flowSource('team', 'racer', ' by someone else'))
    server.seedFlow(flowSource('team', 'twin')) // another run of this commit created it
    // Deleted and created again: same source.
    server.deleteFlow('team', 'recreated')
    server.seedFlow(flowSource('team', 'recreated'), 4)

    const result = await runDeploy(server.client, planned)

    expect(outcomes(result)).toEqual({
      'team:/data.csv': 'conflict',
      'team.moved': 'conflict',
      'team.ok': 'updated',
      'team.racer': 'conflict',
      'team.recreated': 'conflict',
      'team.twin': 'unchanged'
    })
    expect(result.status).toBe('failed')
    const byName = new Map(
      result.resources.map((r) => [r.change.kind === 'flow' ? r.change.id : 'file', r])
    )
    expect(byName.get('moved')?.message).toContain('revision 2 → 3')
    expect(byName.get('racer')?.message).toContain('appeared on the server')
    expect(byName.get('file')?.message).toContain('changed on the server')
    expect(server.writes()).toEqual(['flows.update team/ok'])
    expect(server.flow('team', 'moved')?.source).toBe(flowSource('team', 'moved', ' by hand'))
  })

  it('catches an edit made while the files upload: the flow is read right before its own write', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'a'), 2)
    server.seedFlow(flowSource('team', 'b'), 2)
    const planned = planFor(server, {
      flows: [flowSource('team', 'a', '!'), flowSource('team', 'b', '!')],
      files: [{ namespace: 'team', path: '/data.csv', content: 'x' }]
    })
    server.before('namespaces.files.upload team:/data.csv', () =>
      server.seedFlow(flowSource('team', 'a', ' UI'), 3)
    )
    const result = await runDeploy(server.client, planned)

    expect(outcomes(result)).toEqual({
      'team.a': 'conflict',
      'team.b': 'updated',
      'team:/data.csv': 'created'
    })
    expect(result.resources.find((r) => r.result === 'conflict')?.message).toBe(
      'flow team.a changed on the server after the plan (revision 2 → 3)'
    )
    expect(server.flow('team', 'a')?.source).toBe(flowSource('team', 'a', ' UI'))
    // The file itself, then one listing for both flows, asked for together.
    expect(server.reads().filter((r) => !r.startsWith('kv.get'))).toEqual([
      'namespaces.files.get team:/data.csv',
      'flows.list team',
      'flows.get team/a'
    ])
  })

  it('reports a resource that another run already brought to the desired state as unchanged, unwritten', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'a'), 2)
    server.seedFlow(flowSource('team', 'gone'))
    server.seedFile('team', '/f.txt', 'v1')
    const planned = planFor(
      server,
      {
        flows: [flowSource('team', 'a', '!'), flowSource('team', 'b')],
        files: [{ namespace: 'team', path: '/f.txt', content: 'v2' }]
      },
      { delete: true }
    )
    // The other run wrote everything between this run's plan and its writes.
    server.seedFlow(flowSource('team', 'a', '!'), 3)
    server.seedFlow(flowSource('team', 'b'))
    server.seedFile('team', '/f.txt', 'v2')
    server.deleteFlow('team', 'gone')

    const result = await runDeploy(server.client, planned)

    expect(result.status).toBe('nothing-to-do')
    expect(outcomes(result)).toEqual({
      'team.a': 'unchanged',
      'team.b': 'unchanged',
      'team.gone': 'unchanged',
      'team:/f.txt': 'unchanged'
    })
    expect(result.resources.find((r) => r.change.kind === 'flow')).toMatchObject({ revision: 3 })
    expect(server.writes().filter((w) => !w.startsWith('kv.put'))).toEqual([])
  })

  it('compares a create that meets "already exists": same source is unchanged, another is a conflict', async () => {
    const server = await startKestra()
    const planned = planFor(server, {
      flows: [flowSource('team', 'same'), flowSource('team', 'other')]
    })
    // Both appear after this run's fresh read, right before its create reaches the server.
    server.before('flows.create team/same', () => server.seedFlow(flowSource('team', 'same')))
    server.before('flows.create team/other', () =>
      server.seedFlow(flowSource('team', 'other', ' elsewhere'))
    )
    const result = await runDeploy(server.client, planned)

    expect(outcomes(result)).toEqual({ 'team.other': 'conflict', 'team.same': 'unchanged' })
    expect(result.resources.find((r) => r.result === 'conflict')?.message).toBe(
      'flow team.other appeared on the server (revision 1) after the plan'
    )
    expect(server.flow('team', 'other')?.source).toBe(flowSource('team', 'other', ' elsewhere'))
  })

  it('skips the flows that read a file that was not uploaded, naming it, and writes the rest', async () => {
    const server = await startKestra()
    server.fail('namespaces.files.upload team:/big.csv', { status: 413 })
    const planned = planFor(server, {
      flows: [flowSource('team', 'reader'), flowSource('team', 'other')],
      files: [
        { namespace: 'team', path: '/big.csv', content: 'x' },
        { namespace: 'team', path: '/ok.csv', content: 'y' }
      ]
    })
    const refs = [
      { from: 'flow:team/reader', to: 'file:team:/big.csv' },
      { from: 'flow:team/reader', to: 'file:team:/ok.csv' },
      { from: 'flow:team/other', to: 'file:team:/ok.csv' }
    ]
    const result = await runDeploy(server.client, planned, { refs })

    expect(outcomes(result)).toEqual({
      'team.other': 'created',
      'team.reader': 'skipped',
      'team:/big.csv': 'failed',
      'team:/ok.csv': 'created'
    })
    expect(result.resources.find((r) => r.result === 'skipped')?.message).toBe(
      'not written: it reads namespace file team:/big.csv (failed), which this deploy did not upload'
    )
    expect(server.flow('team', 'reader')).toBeUndefined()
    expect(result.status).toBe('failed')
  })

  it('reads only what it needs: no file listing for a namespace without file writes', async () => {
    const server = await startKestra()
    server.seedFile('team', '/big.bin', 'x')
    await runDeploy(server.client, planFor(server, { flows: [flowSource('team', 'a')] }))
    expect(server.reads().filter((r) => !r.startsWith('kv.get'))).toEqual(['flows.list team'])
  })

  it('reports an update whose flow vanished during the deploy as a conflict', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'a'))
    const planned = planFor(server, { flows: [flowSource('team', 'a', '!')] })
    server.before('flows.update team/a', () => server.deleteFlow('team', 'a'))
    const result = await runDeploy(server.client, planned)
    expect(result.resources[0]).toMatchObject({
      result: 'conflict',
      message: expect.stringContaining('deleted on the server during the deploy')
    })
    expect(server.flow('team', 'a')).toBeUndefined()
  })

  it('fails a file whose bytes on disk no longer match the plan', async () => {
    const server = await startKestra()
    const planned = planFor(server, {
      files: [{ namespace: 'team', path: '/a.py', content: 'v1' }]
    })
    const result = await runDeploy(server.client, {
      ...planned,
      readDesiredFile: async () => new TextEncoder().encode('v2')
    })
    expect(result.resources[0]).toMatchObject({
      result: 'failed',
      message: 'team/files/a.py changed on disk after the plan was made'
    })
    expect(server.writes()).toEqual([])
  })
})

describe('deploy: failures and refusals', () => {
  it('fails one resource, applies the others and skips deletions', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'b'))
    server.seedFlow(flowSource('team', 'obsolete'))
    server.fail('flows.update team/b', {
      status: 500,
      body: { message: 'Internal server error: boom' }
    })
    const planned = planFor(
      server,
      {
        flows: [flowSource('team', 'a'), flowSource('team', 'b', '!'), flowSource('ops', 'c')]
      },
      { delete: true }
    )
    const result = await runDeploy(server.client, planned)

    expect(result.status).toBe('failed')
    expect(outcomes(result)).toEqual({
      'ops.c': 'created',
      'team.a': 'created',
      'team.b': 'failed',
      'team.obsolete': 'skipped'
    })
    const failed = result.resources.find((r) => r.result === 'failed')
    // A 5xx leaves the outcome unknown: a rollback reads the server for it.
    expect(failed?.message).toBe(
      'Kestra answered 500 to PUT /api/v1/main/flows/team/b: Internal server error: boom; Kestra may or may not have applied this write (its answer was lost)'
    )
    expect(failed?.outcomeUnknown).toBe(true)
    expect(server.flow('team', 'obsolete')).toBeDefined()
    expect(server.writes()).not.toContain('flows.delete team/obsolete')
    // The commit is recorded only where everything went through.
    expect(result.markedNamespaces).toEqual(['ops'])
    expect(server.kv('team', COMMIT_MARKER_KEY)).toBeUndefined()
  })

  it('refuses a mass deletion before any request', async () => {
    const server = await startKestra()
    for (let i = 0; i < 11; i++) server.seedFlow(flowSource('team', `f${i}`))
    const planned = planFor(server, { flows: [flowSource('team', 'new')] }, { delete: true })

    const attempt = runDeploy(server.client, planned)

    await expect(attempt).rejects.toThrow(DeployError)
    await expect(attempt).rejects.toThrow(/deletes 11 resources, more than max-deletions \(10\)/)
    expect(server.requests()).toEqual([])
  })

  it('refuses to write anything while a written resource has a validation error', async () => {
    const server = await startKestra()
    const planned = planFor(server, {
      flows: [flowSource('team', 'good'), flowSource('team', 'bad')]
    })
    const findings = [
      {
        severity: 'error' as const,
        file: 'team/flows/bad.yml',
        line: 3,
        rule: 'duplicate-task-id',
        message: 'Task id hello is used twice'
      }
    ]
    const attempt = runDeploy(server.client, planned, { findings })
    await expect(attempt).rejects.toThrow('- team/flows/bad.yml:3 Task id hello is used twice')
    expect(server.writes()).toEqual([])
  })
})

describe('deploy: each kind writes through the registry', () => {
  // Every subset of the registry's namespaced kinds: a change whose kind is missing fails, naming the
  // registry, and no request writes it; the others are written as before, and no deletion runs.
  const subsets = [[], ['file'], ['flow'], ['file', 'flow']]
  for (const names of subsets) {
    it(`with only [${names.join(', ')}] registered`, async () => {
      const server = await startKestra()
      server.seedFlow(flowSource('team', 'old'), 2)
      const desired = {
        flows: [flowSource('team', 'a')],
        files: [{ namespace: 'team', path: '/a.py', content: 'print(1)' }]
      }
      const kinds = APPLY_KINDS.filter((kind) => names.includes(kind.name))
      const result = await runDeploy(server.client, planFor(server, desired, { delete: true }), {
        kinds
      })

      const registered = (name: string) => names.includes(name)
      for (const { change, result: did, message } of result.resources) {
        if (registered(change.kind) && change.action === 'delete') {
          expect(did).toBe(names.length === 2 ? 'deleted' : 'skipped')
        } else if (registered(change.kind)) {
          expect(did).toBe('created')
        } else {
          expect(did).toBe('failed')
          expect(message).toContain(`no resource kind '${change.kind}' is registered`)
        }
      }
      expect(server.flow('team', 'a') !== undefined).toBe(registered('flow'))
      expect(server.file('team', '/a.py') !== undefined).toBe(registered('file'))
      expect(server.flow('team', 'old') === undefined).toBe(names.length === 2)
    })
  }
})
