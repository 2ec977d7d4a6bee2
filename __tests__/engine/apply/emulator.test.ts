import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deploy } from '../../../src/engine/apply/deploy.js'
import { COMMIT_MARKER_KEY } from '../../../src/engine/record/marker.js'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator
} from '../../../test-support/kestra-emulator/index.js'
import { flowSource, planFor, type Desired } from './plan-for.js'
import { COMMIT, SETTINGS, TARGET } from './run-deploy.js'
import { APPLY_KINDS } from '../../../src/resources/registry.js'

let emulator: Emulator
let client: KestraClient
beforeAll(async () => {
  emulator = await startEmulator()
  client = createKestraClient({
    server: emulator.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 5,
    concurrency: 4
  })
})
afterAll(async () => {
  await client.close()
  await emulator.close()
})

/** Routes of the write requests, in arrival order (listing flows POSTs an export: a read). */
const writeRoutes = () =>
  emulator.requests.map((r) => r.route).filter((r) => WRITE_ROUTES.includes(r))

const run = async (desired: Desired) => {
  const planned = planFor(emulator, desired, { delete: true })
  return deploy(planned.plan, {
    api: client,
    findings: [],
    refs: [{ from: 'flow:team/caller', to: 'flow:team/sub' }],
    readDesiredFile: planned.readDesiredFile,
    kinds: APPLY_KINDS,
    settings: SETTINGS,
    target: TARGET,
    managedNamespaces: planned.managedNamespaces,
    commit: COMMIT,
    repository: 'acme/flows',
    isAncestor: async () => undefined
  })
}

describe('deploy through the client against the emulator', () => {
  // Bytes of a real archive, stored under a .zip name: Kestra must not extract it.
  const archive = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)])
  const desired: Desired = {
    flows: [
      flowSource('team', 'sub', ' v2'),
      flowSource(
        'team',
        'caller',
        '\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: team\n    flowId: sub'
      )
    ],
    files: [{ namespace: 'team', path: '/bundle.zip', content: archive }]
  }

  it('applies the plan in order and stores files byte for byte', async () => {
    emulator.seed({
      flows: [
        { namespace: 'team', id: 'sub', source: flowSource('team', 'sub'), revisions: 2 },
        { namespace: 'team', id: 'old', source: flowSource('team', 'old') }
      ],
      files: [{ namespace: 'team', path: '/old.txt', content: 'old' }]
    })
    emulator.clearLog()

    const result = await run(desired)

    expect(result.status).toBe('applied')
    expect(result.resources.map((r) => [r.result, r.revision])).toEqual([
      ['created', undefined],
      ['deleted', undefined],
      ['created', 1],
      ['deleted', undefined],
      ['updated', 3]
    ])
    expect(writeRoutes()).toEqual([
      'namespaces.files.upload',
      'flows.update',
      'flows.create',
      'flows.delete',
      'namespaces.files.delete',
      'kv.put'
    ])
    const state = emulator.snapshot()
    const bundle = state.files.find((f) => f.path === '/bundle.zip')
    expect(bundle && new Uint8Array(bundle.bytes)).toEqual(archive)
    expect(state.files.map((f) => f.path)).toEqual(['/bundle.zip'])
    expect(state.kv).toEqual([
      expect.objectContaining({
        namespace: 'team',
        key: COMMIT_MARKER_KEY,
        value: { commit: COMMIT, repository: 'acme/flows' }
      })
    ])
  })

  it('sends no write request when run again', async () => {
    emulator.clearLog()
    const again = await run(desired)
    expect(again.status).toBe('nothing-to-do')
    expect(emulator.requests.length).toBeGreaterThan(0)
    expect(writeRoutes()).toEqual([])
    expect(emulator.flowRevisions('team', 'sub').at(-1)?.revision).toBe(3)
  })
})
