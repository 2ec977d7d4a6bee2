/**
 * The flows of namespaces listed together leave in shared exports (docs/kestra.md#export-flows): whatever
 * the namespaces and ids, entry names that could be confused (`a` with `b.c`, `a.b` with `c`) included, and
 * whichever export a deleted flow makes fail with a 404, each namespace gets exactly its own flows with their
 * own sources, and no namespace costs more than its listing and one export.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { KestraClient } from '../../../src/adapters/kestra/client.js'
import { EXPORTED_AT_ONCE } from '../../../src/adapters/kestra/flows.js'
import type { Emulator } from '../../../test-support/kestra-emulator/index.js'
import { emulatedClient } from './test-server.js'
import { flowSource } from './contract-suite.js'
import { runs } from '../../../test-support/property-runs.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function connect(): Promise<{ emulator: Emulator; client: KestraClient }> {
  const { emulator, client, close } = await emulatedClient('1.3.25')
  closers.push(close)
  emulator.clearLog()
  return { emulator, client }
}

const part = fc.constantFrom('a', 'b', 'c', 'team')
const namespaceArb = fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'))
const idArb = fc.oneof(part, fc.constantFrom('b.c', 'c.a', 'team.a', 'x-y', 'a-b', 'etl'))

describe('shared flow exports', () => {
  it('each namespace gets exactly its own flows and sources, a 404 at any export included', async () => {
    const { emulator, client } = await connect()
    let tried = 0
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(namespaceArb, idArb), {
          minLength: 1,
          maxLength: 40,
          selector: ([namespace, id]) => `${namespace} ${id}`
        }),
        fc.option(fc.tuple(fc.nat({ max: 10 }), fc.nat()), { nil: undefined }),
        async (drawn, race) => {
          // Each run in namespaces of its own on the one server.
          const prefix = `run${++tried}.`
          // Every id holding a separator gets its twin, whose entry name reads the same: `a` + `b.c`
          // beside `a.b` + `c` (by-ids names), `a` + `x-y` beside `a-x` + `y` (by-query names).
          const twins = drawn.flatMap(([namespace, id]) => {
            const at = id.search(/[.-]/)
            return at < 0
              ? []
              : [[`${namespace}${id[at]}${id.slice(0, at)}`, id.slice(at + 1)] as const]
          })
          const unique = new Map(
            [...drawn, ...twins].map(([namespace, id]) => [
              `${namespace} ${id}`,
              [namespace, id] as const
            ])
          )
          const flows = [...unique.values()].map(
            ([namespace, id]) => [prefix + namespace, id] as const
          )
          emulator.clearLog()
          emulator.seed({
            flows: flows.map(([namespace, id]) => ({
              namespace,
              id,
              source: flowSource(namespace, id, `${namespace} ${id}`)
            }))
          })
          // The `race[0]`-th export deletes one flow first: that export answers 404.
          const gone = race && flows[race[1] % flows.length]!
          let exports = 0
          emulator.onRequest((request) => {
            if (request.route !== 'flows.export.by-ids') return
            if (gone && exports++ === race![0]) {
              emulator.seed({
                flows: [{ namespace: gone[0], id: gone[1], source: '', deleted: true }]
              })
            }
          })
          const namespaces = [...new Set(flows.map(([namespace]) => namespace))]
          const listed = await Promise.all(namespaces.map((ns) => client.listFlows(ns)))
          namespaces.forEach((namespace, n) => {
            const own = flows.filter(([ns]) => ns === namespace).map(([, id]) => id)
            const got = listed[n]!
            for (const flow of got) {
              expect(flow.namespace).toBe(namespace)
              expect(own).toContain(flow.id)
              expect(flow.source).toBe(flowSource(namespace, flow.id, `${namespace} ${flow.id}`))
            }
            const missing = own.filter((id) => !got.some((flow) => flow.id === id))
            expect(missing).toEqual(gone && gone[0] === namespace ? missing.slice(0, 1) : [])
            if (missing.length > 0) expect(missing).toEqual([gone![1]])
          })
          const routes = emulator.requests.map((r) => r.route)
          expect(routes.filter((r) => r === 'flows.get')).toEqual([])
          const exportCount = routes.filter((r) => r === 'flows.export.by-ids').length
          const lists = routes.filter((r) => r === 'flows.list').length
          expect(exportCount).toBeLessThanOrEqual(
            namespaces.length + (race ? namespaces.length : 0)
          )
          expect(lists).toBeLessThanOrEqual(namespaces.length * (race ? 2 : 1))
          if (!race) expect(exportCount).toBeLessThan(namespaces.length + 1)
        }
      ),
      { numRuns: runs(120, 15) }
    )
  }, 120_000)

  it('2,000 flows of 40 namespaces listed together (1,040 in the unit loop): one export per 1,000 flows', async () => {
    const { emulator, client } = await connect()
    const namespaces = Array.from({ length: 40 }, (_, n) => `company.team${n}`)
    const each = runs(50, 26)
    emulator.seed({
      flows: namespaces.flatMap((namespace) =>
        Array.from({ length: each }, (_, i) => ({
          namespace,
          id: `flow${i}`,
          source: flowSource(namespace, `flow${i}`)
        }))
      )
    })
    const listed = await Promise.all(namespaces.map((ns) => client.listFlows(ns)))
    expect(listed.map((flows) => flows.length)).toEqual(namespaces.map(() => each))
    const exports = emulator.requests.filter((r) => r.route === 'flows.export.by-ids')
    // Past the bound either way: two exports, the second full in npm test and holding 40 flows here.
    expect(exports).toHaveLength(Math.ceil((40 * each) / EXPORTED_AT_ONCE))
    expect(exports.length).toBeGreaterThan(1)
  })

  it('a namespace listed alone is exported alone, at once', async () => {
    const { emulator, client } = await connect()
    emulator.seed({ flows: [{ namespace: 'a', id: 'b.c', source: flowSource('a', 'b.c') }] })
    emulator.seed({ flows: [{ namespace: 'a.b', id: 'c', source: flowSource('a.b', 'c') }] })
    expect((await client.listFlows('a')).map((f) => f.source)).toEqual([flowSource('a', 'b.c')])
    expect((await client.listFlows('a.b')).map((f) => f.source)).toEqual([flowSource('a.b', 'c')])
    expect(emulator.requests.map((r) => r.route)).toEqual([
      'flows.list',
      'flows.export.by-ids',
      'flows.list',
      'flows.export.by-ids'
    ])
  })
})
