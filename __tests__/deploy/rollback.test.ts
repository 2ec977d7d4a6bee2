import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY } from '../../src/deploy/commit-marker.js'
import { rollback } from '../../src/deploy/rollback.js'
import { startKestra, type EmulatedKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { COMMIT, runDeploy } from './run-deploy.js'

const NS = 'team'
const PARENT = `${flowSource(NS, 'parent')}  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n`
const REFS = [{ from: `flow:${NS}/parent`, to: `flow:${NS}/child` }]
const PREVIOUS = { commit: 'b'.repeat(40), repository: 'acme/flows' }

/** The server before the deploy; `marker`: the namespace's deployed-commit marker, if any. */
async function server(marker: object | null = PREVIOUS): Promise<EmulatedKestra> {
  const kestra = await startKestra()
  kestra.seedFlow(flowSource(NS, 'child'), 2)
  kestra.seedFlow(PARENT.replace('message: hi', 'message: old'))
  kestra.seedFlow(flowSource(NS, 'old'))
  kestra.seedFile(NS, '/a.txt', 'a v1')
  kestra.seedFile(NS, '/gone.txt', 'gone')
  if (marker) kestra.seedKv(NS, COMMIT_MARKER_KEY, marker)
  return kestra
}

async function deployed(kestra: EmulatedKestra) {
  const planned = planFor(
    kestra,
    {
      flows: [flowSource(NS, 'child', ' v2'), PARENT, flowSource(NS, 'fresh')],
      files: [
        { namespace: NS, path: '/a.txt', content: 'a v2' },
        { namespace: NS, path: '/new.txt', content: 'new' }
      ]
    },
    { delete: true }
  )
  const result = await runDeploy(kestra.client, planned, { refs: REFS })
  expect(result.status).toBe('applied')
  return result
}

/** What the server holds: live flows, files, KV entries (revisions aside: a rollback writes new ones). */
function state(kestra: EmulatedKestra) {
  const { flows, files, kv } = kestra.snapshot()
  return {
    flows: flows.filter((f) => !f.deleted).map((f) => [f.namespace, f.id, f.source]),
    files: files.map((f) => [`${f.namespace}:${f.path}`, f.bytes.toString()]),
    kv: kv.map((e) => [`${e.namespace}/${e.key}`, e.value])
  }
}

describe('rollback', () => {
  it('puts every changed resource back, in the reverse of the deploy order, then the marker', async () => {
    const kestra = await server()
    const before = state(kestra)
    const result = await deployed(kestra)
    expect(kestra.kv(NS, COMMIT_MARKER_KEY)).toMatchObject({ commit: COMMIT })
    kestra.clearLog()
    const undone = await rollback(result, {
      api: kestra.client,
      refs: REFS,
      concurrency: 4,
      log: () => {}
    })
    expect(undone.complete).toBe(true)
    expect(state(kestra)).toEqual(before)
    const writes = kestra.writes()
    const at = (write: string) => writes.indexOf(write)
    expect(at(`namespaces.files.upload ${NS}:/gone.txt`)).toBe(0)
    expect(at(`flows.create ${NS}/old`)).toBe(1)
    expect(at(`flows.update ${NS}/parent`)).toBeLessThan(at(`flows.update ${NS}/child`))
    expect(at(`flows.update ${NS}/child`)).toBeLessThan(at(`namespaces.files.upload ${NS}:/a.txt`))
    expect(at(`flows.delete ${NS}/fresh`)).toBeLessThan(
      at(`namespaces.files.delete ${NS}:/new.txt`)
    )
    expect(writes.at(-1)).toBe(`kv.put ${NS}/${COMMIT_MARKER_KEY}`)
    expect(undone.resources.map((r) => r.result)).toEqual(Array(7).fill('restored'))
  })

  it('leaves a resource that moved after the deploy wrote it (a conflict), and removes a marker that was absent', async () => {
    const kestra = await server(null)
    const result = await deployed(kestra)
    kestra.seedFlow(flowSource(NS, 'child', ' edited in the UI'), 9)
    kestra.seedFile(NS, '/new.txt', 'edited')
    kestra.clearLog()
    const undone = await rollback(result, {
      api: kestra.client,
      refs: REFS,
      concurrency: 4,
      log: () => {}
    })
    expect(undone.complete).toBe(false)
    const byName = Object.fromEntries(
      undone.resources.map((r) => [
        r.deployed.change.kind === 'flow' ? r.deployed.change.id : r.deployed.change.path,
        [r.result, r.message]
      ])
    )
    expect(byName.child).toEqual([
      'conflict',
      `flow ${NS}.child changed after the deploy (revision 3 → 9): not rolled back`
    ])
    expect(byName['/new.txt']![0]).toBe('conflict')
    expect(kestra.writes()).not.toContain(`flows.update ${NS}/child`)
    expect(kestra.writes()).not.toContain(`namespaces.files.delete ${NS}:/new.txt`)
    expect(kestra.flow(NS, 'child')!.source).toContain('edited in the UI')
    expect(kestra.file(NS, '/a.txt')!.toString()).toBe('a v1')
    expect(kestra.kv(NS, COMMIT_MARKER_KEY)).toBeUndefined()
    expect(kestra.writes()).toContain(`kv.delete ${NS}/${COMMIT_MARKER_KEY}`)
  })

  it('never touches a resource the deploy did not change', async () => {
    const kestra = await server()
    kestra.seedFlow(flowSource(NS, 'same'))
    const planned = planFor(kestra, {
      flows: [flowSource(NS, 'same'), flowSource(NS, 'child', ' v2')]
    })
    const result = await runDeploy(kestra.client, planned)
    const undone = await rollback(result, {
      api: kestra.client,
      refs: [],
      concurrency: 2,
      log: () => {}
    })
    expect(
      undone.resources.map((r) => r.deployed.change.kind === 'flow' && r.deployed.change.id)
    ).toEqual(['child'])
  })
})
