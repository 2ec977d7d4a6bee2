import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, unzipResponse } from './http.js'
import { runs } from '../../test-support/property-runs.js'

const NAMESPACES = Array.from({ length: 40 }, (_, i) => `company.team${String(i).padStart(2, '0')}`)
/** The bench's repository in `npm test`; a fifth of it in the unit loop. */
const FLOWS = runs(2000, 400)
const FILES = runs(10_000, 2_000)

let emulator: Emulator
let P: string
beforeAll(async () => {
  emulator = await startEmulator({ warmSeeds: false })
  P = `${emulator.url}/api/v1/main`
  const seed: SeedState = { flows: [], files: [] }
  for (let i = 0; i < FLOWS; i++) {
    const namespace = NAMESPACES[i % 40]
    seed.flows!.push({ namespace, id: `flow${i}`, source: flowSource(namespace, `flow${i}`) })
  }
  for (let i = 0; i < FILES; i++) {
    seed.files!.push({
      namespace: NAMESPACES[0],
      path: `/d${i % 100}/f${i}.txt`,
      content: `file ${i}`
    })
  }
  emulator.seed(seed)
})
afterAll(() => emulator.close())

describe('a seed of 2,000 flows in 40 namespaces and 10,000 files (a fifth in the unit loop)', () => {
  it('lists every namespace with its flows', async () => {
    const counts = await Promise.all(
      NAMESPACES.map(async (ns) => (await json<unknown[]>(await fetch(`${P}/flows/${ns}`))).length)
    )
    expect(counts).toEqual(NAMESPACES.map(() => FLOWS / 40))
  })

  it('exports all flows by query and all files of a namespace', async () => {
    const flows = await unzipResponse(
      await fetch(`${P}/flows/export/by-query?filters[namespace][PREFIX]=company`)
    )
    expect(Object.keys(flows)).toHaveLength(FLOWS)
    expect(flows[`${NAMESPACES[7]}-flow7.yml`]).toBe(flowSource(NAMESPACES[7], 'flow7'))

    const files = await unzipResponse(await fetch(`${P}/namespaces/${NAMESPACES[0]}/files/export`))
    expect(Object.keys(files)).toHaveLength(FILES)
    expect(files['d42/f1942.txt']).toBe('file 1942')
  })

  it('lists directories and snapshots everything', async () => {
    const root = await json<unknown[]>(
      await fetch(`${P}/namespaces/${NAMESPACES[0]}/files/directory`)
    )
    expect(root).toHaveLength(100)
    const snapshot = emulator.snapshot()
    expect([snapshot.flows.length, snapshot.files.length]).toEqual([FLOWS, FILES])
  })
})
