import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY } from '../../src/deploy/commit-marker.js'
import { rollback } from '../../src/deploy/rollback.js'
import { FakeKestra, flowSource } from './fake-kestra.js'
import { planFor } from './plan-for.js'
import { COMMIT, runDeploy } from './run-deploy.js'

const NS = 'team'
const PARENT = `${flowSource(NS, 'parent')}  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n`
const REFS = [{ from: `flow:${NS}/parent`, to: `flow:${NS}/child` }]
const PREVIOUS = { commit: 'b'.repeat(40), repository: 'acme/flows' }

function server(): FakeKestra {
  const kestra = new FakeKestra()
  kestra.seedFlow(flowSource(NS, 'child'), 2)
  kestra.seedFlow(PARENT.replace('message: hi', 'message: old'))
  kestra.seedFlow(flowSource(NS, 'old'))
  kestra.seedFile(NS, '/a.txt', 'a v1')
  kestra.seedFile(NS, '/gone.txt', 'gone')
  kestra.kv.set(`${NS}/${COMMIT_MARKER_KEY}`, PREVIOUS)
  return kestra
}

async function deployed(kestra: FakeKestra) {
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
  const result = await runDeploy(kestra, planned, { refs: REFS })
  expect(result.status).toBe('applied')
  return result
}

function state(kestra: FakeKestra) {
  return {
    flows: [...kestra.flows.values()].map((f) => [f.namespace, f.id, f.source]).sort(),
    files: [...kestra.files].map(([key, content]) => [key, Buffer.from(content).toString()]).sort(),
    kv: [...kestra.kv]
  }
}

describe('rollback', () => {
  it('puts every changed resource back, in the reverse of the deploy order, then the marker', async () => {
    const kestra = server()
    const before = state(kestra)
    const result = await deployed(kestra)
    expect(kestra.kv.get(`${NS}/${COMMIT_MARKER_KEY}`)).toMatchObject({ commit: COMMIT })
    kestra.writes.length = 0
    const undone = await rollback(result, {
      api: kestra,
      refs: REFS,
      concurrency: 4,
      log: () => {}
    })
    expect(undone.complete).toBe(true)
    expect(state(kestra)).toEqual(before)
    const at = (write: string) => kestra.writes.indexOf(write)
    expect(at(`uploadFile ${NS}:/gone.txt`)).toBe(0)
    expect(at(`createFlow ${NS}/old`)).toBe(1)
    expect(at(`updateFlow ${NS}/parent`)).toBeLessThan(at(`updateFlow ${NS}/child`))
    expect(at(`updateFlow ${NS}/child`)).toBeLessThan(at(`uploadFile ${NS}:/a.txt`))
    expect(at(`deleteFlow ${NS}/fresh`)).toBeLessThan(at(`deleteFile ${NS}:/new.txt`))
    expect(kestra.writes.at(-1)).toBe(`putKv ${NS}/${COMMIT_MARKER_KEY}`)
    expect(undone.resources.map((r) => r.result)).toEqual(Array(7).fill('restored'))
  })

  it('leaves a resource that moved after the deploy wrote it (a conflict), and removes a marker that was absent', async () => {
    const kestra = server()
    kestra.kv.clear()
    const result = await deployed(kestra)
    kestra.seedFlow(flowSource(NS, 'child', ' edited in the UI'), 9)
    kestra.seedFile(NS, '/new.txt', 'edited')
    kestra.writes.length = 0
    const undone = await rollback(result, {
      api: kestra,
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
    expect(kestra.writes).not.toContain(`updateFlow ${NS}/child`)
    expect(kestra.writes).not.toContain(`deleteFile ${NS}:/new.txt`)
    expect(kestra.flows.get(`${NS}/child`)!.source).toContain('edited in the UI')
    expect(Buffer.from(kestra.files.get(`${NS}:/a.txt`)!).toString()).toBe('a v1')
    expect(kestra.kv.has(`${NS}/${COMMIT_MARKER_KEY}`)).toBe(false)
    expect(kestra.writes).toContain(`deleteKv ${NS}/${COMMIT_MARKER_KEY}`)
  })

  it('never touches a resource the deploy did not change', async () => {
    const kestra = server()
    kestra.seedFlow(flowSource(NS, 'same'))
    const planned = planFor(kestra, {
      flows: [flowSource(NS, 'same'), flowSource(NS, 'child', ' v2')]
    })
    const result = await runDeploy(kestra, planned)
    const undone = await rollback(result, { api: kestra, refs: [], concurrency: 2, log: () => {} })
    expect(
      undone.resources.map((r) => r.deployed.change.kind === 'flow' && r.deployed.change.id)
    ).toEqual(['child'])
  })
})
