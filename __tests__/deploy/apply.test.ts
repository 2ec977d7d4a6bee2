import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY } from '../../src/deploy/commit-marker.js'
import { DeployError } from '../../src/errors.js'
import { ApiError } from '../../src/kestra/errors.js'
import { FakeKestra, flowSource } from './fake-kestra.js'
import { planFor } from './plan-for.js'
import { outcomes, runDeploy, SETTINGS } from './run-deploy.js'

const callsChild = (id: string) =>
  flowSource(
    'team',
    id,
    '\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    flowId: child'
  )

describe('deploy: order and idempotence', () => {
  function scenario() {
    const server = new FakeKestra()
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
    const { server, desired, refs } = scenario()
    const result = await runDeploy(server, planFor(server, desired, { delete: true }), { refs })

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
    const writes = server.writes.filter((w) => !w.startsWith('putKv'))
    const at = (call: string) => writes.indexOf(call)
    expect(writes).toHaveLength(7)
    expect(new Set(writes.slice(0, 2))).toEqual(
      new Set(['uploadFile ops:/b.sql', 'uploadFile team:/a.py'])
    )
    expect(at('createFlow team/child')).toBeLessThan(at('createFlow team/parent'))
    expect(at('createFlow ops/x')).toBeGreaterThan(1)
    expect(writes.slice(5)).toEqual(['deleteFlow team/old', 'deleteFile team:/old.txt'])
    expect(server.flows.get('team/parent')?.source).toBe(callsChild('parent'))
    expect(new TextDecoder().decode(server.files.get('team:/a.py'))).toBe('print(1)')
  })

  /** Holds the writes of `held` back until `call` was written (or 2 s passed, so a wrong order fails, not hangs). */
  function holdUntil(server: FakeKestra, held: string, call: string) {
    server.gate = async (resource) => {
      for (let i = 0; resource === held && !server.writes.includes(call) && i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
  }

  it('writes a caller as soon as its subflow is written, not when every independent write is done', async () => {
    const server = new FakeKestra()
    holdUntil(server, 'flow:team/slow', 'createFlow team/parent')
    const desired = {
      flows: [callsChild('parent'), flowSource('team', 'child'), flowSource('team', 'slow')]
    }
    const refs = [{ from: 'flow:team/parent', to: 'flow:team/child' }]
    const result = await runDeploy(server, planFor(server, desired), { refs })

    expect(result.status).toBe('applied')
    const writes = server.writes.filter((w) => !w.startsWith('putKv'))
    expect(writes).toEqual([
      'createFlow team/child',
      'createFlow team/parent',
      'createFlow team/slow'
    ])
  })

  it("records a namespace's commit as soon as it holds it: at once when it has nothing to write", async () => {
    const server = new FakeKestra()
    holdUntil(server, 'flow:team/a', `putKv quiet/${COMMIT_MARKER_KEY}`)
    const planned = planFor(server, { flows: [flowSource('team', 'a')] }, { namespaces: ['quiet'] })
    const result = await runDeploy(server, planned)

    expect(result.markedNamespaces).toEqual(['quiet', 'team'])
    expect(server.writes).toEqual([
      `putKv quiet/${COMMIT_MARKER_KEY}`,
      'createFlow team/a',
      `putKv team/${COMMIT_MARKER_KEY}`
    ])
  })

  it('makes no write request when the same plan is deployed again', async () => {
    const { server, desired, refs } = scenario()
    await runDeploy(server, planFor(server, desired, { delete: true }), { refs })
    const before = server.writes.length
    server.reads.length = 0

    const again = await runDeploy(server, planFor(server, desired, { delete: true }), { refs })

    expect(again.status).toBe('nothing-to-do')
    expect(again.applied).toBe(0)
    expect(server.writes.length).toBe(before)
    expect(server.reads.filter((r) => !r.startsWith('getKv'))).toEqual([])
  })

  it('reports the new revision of an updated flow', async () => {
    const server = new FakeKestra()
    server.seedFlow(flowSource('team', 'a'), 3)
    const result = await runDeploy(
      server,
      planFor(server, { flows: [flowSource('team', 'a', '!')] })
    )
    expect(result.resources[0]).toMatchObject({ result: 'updated', revision: 4 })
    expect(result.resources[0].change).toMatchObject({ current: { revision: 3 } })
  })

  it('bounds the writes in flight by the concurrency setting', async () => {
    const server = new FakeKestra()
    const files = Array.from({ length: 6 }, (_, i) => ({
      namespace: 'team',
      path: `/f${i}.txt`,
      content: `${i}`
    }))
    const result = await runDeploy(server, planFor(server, { files }), {
      settings: { ...SETTINGS, concurrency: 2 }
    })
    expect(result.applied).toBe(6)
    expect(server.maxInFlight).toBe(2)
  })
})

describe('deploy: compare before write', () => {
  it('reports a resource that moved since the plan as a conflict and writes the others', async () => {
    const server = new FakeKestra()
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
    server.seedFlow(flowSource('team', 'recreated'), 4) // deleted and created again: same source

    const result = await runDeploy(server, planned)

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
    expect(server.writes).toEqual(['updateFlow team/ok'])
    expect(server.flows.get('team/moved')?.source).toBe(flowSource('team', 'moved', ' by hand'))
  })

  it('catches an edit made while the files upload: the flow is read right before its own write', async () => {
    const server = new FakeKestra()
    server.seedFlow(flowSource('team', 'a'), 2)
    server.seedFlow(flowSource('team', 'b'), 2)
    const planned = planFor(server, {
      flows: [flowSource('team', 'a', '!'), flowSource('team', 'b', '!')],
      files: [{ namespace: 'team', path: '/data.csv', content: 'x' }]
    })
    server.beforeWrite = (resource) => {
      if (resource === 'file:team:/data.csv') server.seedFlow(flowSource('team', 'a', ' UI'), 3)
    }
    const result = await runDeploy(server, planned)

    expect(outcomes(result)).toEqual({
      'team.a': 'conflict',
      'team.b': 'updated',
      'team:/data.csv': 'created'
    })
    expect(result.resources.find((r) => r.result === 'conflict')?.message).toBe(
      'flow team.a changed on the server after the plan (revision 2 → 3)'
    )
    expect(server.flows.get('team/a')?.source).toBe(flowSource('team', 'a', ' UI'))
    // The file itself, then one listing for both flows, asked for together.
    expect(server.reads.filter((r) => !r.startsWith('getKv'))).toEqual([
      'getFile team:/data.csv',
      'flowRevisions team',
      'getFlow team/a'
    ])
  })

  it('reports a resource that another run already brought to the desired state as unchanged, unwritten', async () => {
    const server = new FakeKestra()
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
    server.flows.delete('team/gone')

    const result = await runDeploy(server, planned)

    expect(result.status).toBe('nothing-to-do')
    expect(outcomes(result)).toEqual({
      'team.a': 'unchanged',
      'team.b': 'unchanged',
      'team.gone': 'unchanged',
      'team:/f.txt': 'unchanged'
    })
    expect(result.resources.find((r) => r.change.kind === 'flow')).toMatchObject({ revision: 3 })
    expect(server.writes.filter((w) => !w.startsWith('putKv'))).toEqual([])
  })

  it('compares a create that meets "already exists": same source is unchanged, another is a conflict', async () => {
    const server = new FakeKestra()
    const planned = planFor(server, {
      flows: [flowSource('team', 'same'), flowSource('team', 'other')]
    })
    // Both appear after this run's fresh read, right before its create reaches the server.
    server.gate = async (resource) => {
      if (resource === 'flow:team/same' && !server.flows.has('team/same')) {
        server.seedFlow(flowSource('team', 'same'))
      }
      if (resource === 'flow:team/other' && !server.flows.has('team/other')) {
        server.seedFlow(flowSource('team', 'other', ' elsewhere'))
      }
    }
    const result = await runDeploy(server, planned)

    expect(outcomes(result)).toEqual({ 'team.other': 'conflict', 'team.same': 'unchanged' })
    expect(result.resources.find((r) => r.result === 'conflict')?.message).toBe(
      'flow team.other appeared on the server (revision 1) after the plan'
    )
    expect(server.flows.get('team/other')?.source).toBe(flowSource('team', 'other', ' elsewhere'))
  })

  it('skips the flows that read a file that was not uploaded, naming it, and writes the rest', async () => {
    const server = new FakeKestra()
    server.failures.set(
      'file:team:/big.csv',
      new ApiError({
        status: 413,
        method: 'POST',
        path: '/api/v1/main/namespaces/team/files?path=%2Fbig.csv',
        serverMessage: 'Request Entity Too Large'
      })
    )
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
    const result = await runDeploy(server, planned, { refs })

    expect(outcomes(result)).toEqual({
      'team.other': 'created',
      'team.reader': 'skipped',
      'team:/big.csv': 'failed',
      'team:/ok.csv': 'created'
    })
    expect(result.resources.find((r) => r.result === 'skipped')?.message).toBe(
      'not written: it reads namespace file team:/big.csv (failed), which this deploy did not upload'
    )
    expect(server.flows.has('team/reader')).toBe(false)
    expect(result.status).toBe('failed')
  })

  it('reads only what it needs: no file listing for a namespace without file writes', async () => {
    const server = new FakeKestra()
    server.seedFile('team', '/big.bin', 'x')
    await runDeploy(server, planFor(server, { flows: [flowSource('team', 'a')] }))
    expect(server.reads.filter((r) => !r.startsWith('getKv'))).toEqual(['flowRevisions team'])
  })

  it('reports an update whose flow vanished during the deploy as a conflict', async () => {
    const server = new FakeKestra()
    server.seedFlow(flowSource('team', 'a'))
    const planned = planFor(server, { flows: [flowSource('team', 'a', '!')] })
    server.beforeWrite = (resource) => {
      if (resource === 'flow:team/a') server.flows.delete('team/a')
    }
    const result = await runDeploy(server, planned)
    expect(result.resources[0]).toMatchObject({
      result: 'conflict',
      message: expect.stringContaining('deleted on the server during the deploy')
    })
    expect(server.flows.has('team/a')).toBe(false)
  })

  it('fails a file whose bytes on disk no longer match the plan', async () => {
    const server = new FakeKestra()
    const planned = planFor(server, {
      files: [{ namespace: 'team', path: '/a.py', content: 'v1' }]
    })
    const result = await runDeploy(server, {
      ...planned,
      readDesiredFile: async () => new TextEncoder().encode('v2')
    })
    expect(result.resources[0]).toMatchObject({
      result: 'failed',
      message: 'team/files/a.py changed on disk after the plan was made'
    })
    expect(server.writes).toEqual([])
  })
})

describe('deploy: failures and refusals', () => {
  it('fails one resource, applies the others and skips deletions', async () => {
    const server = new FakeKestra()
    server.seedFlow(flowSource('team', 'b'))
    server.seedFlow(flowSource('team', 'obsolete'))
    server.failures.set(
      'flow:team/b',
      new ApiError({
        status: 500,
        method: 'PUT',
        path: '/api/v1/main/flows/team/b',
        serverMessage: 'Internal server error: boom'
      })
    )
    const planned = planFor(
      server,
      {
        flows: [flowSource('team', 'a'), flowSource('team', 'b', '!'), flowSource('ops', 'c')]
      },
      { delete: true }
    )
    const result = await runDeploy(server, planned)

    expect(result.status).toBe('failed')
    expect(outcomes(result)).toEqual({
      'ops.c': 'created',
      'team.a': 'created',
      'team.b': 'failed',
      'team.obsolete': 'skipped'
    })
    const failed = result.resources.find((r) => r.result === 'failed')
    expect(failed?.message).toBe(
      'Kestra answered 500 to PUT /api/v1/main/flows/team/b: Internal server error: boom'
    )
    expect(server.flows.has('team/obsolete')).toBe(true)
    expect(server.writes).not.toContain('deleteFlow team/obsolete')
    // The commit is recorded only where everything went through.
    expect(result.markedNamespaces).toEqual(['ops'])
    expect(server.kv.has('team/kestra-gitops-commit')).toBe(false)
  })

  it('refuses a mass deletion before any request', async () => {
    const server = new FakeKestra()
    for (let i = 0; i < 11; i++) server.seedFlow(flowSource('team', `f${i}`))
    const planned = planFor(server, { flows: [flowSource('team', 'new')] }, { delete: true })

    const attempt = runDeploy(server, planned)

    await expect(attempt).rejects.toThrow(DeployError)
    await expect(attempt).rejects.toThrow(/deletes 11 resources, more than max-deletions \(10\)/)
    expect(server.writes).toEqual([])
    expect(server.reads).toEqual([])
  })

  it('refuses to write anything while a written resource has a validation error', async () => {
    const server = new FakeKestra()
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
    const attempt = runDeploy(server, planned, { findings })
    await expect(attempt).rejects.toThrow('- team/flows/bad.yml:3 Task id hello is used twice')
    expect(server.writes).toEqual([])
  })
})
