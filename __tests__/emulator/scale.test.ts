import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, unzipResponse } from './http.js'

const NAMESPACES = Array.from({ length: 40 }, (_, i) => `company.team${String(i).padStart(2, '0')}`)

let emulator: Emulator
let P: string
beforeAll(async () => {
  emulator = await startEmulator()
  P = `${emulator.url}/api/v1/main`
  const seed: SeedState = { flows: [], files: [] }
  for (let i = 0; i < 2000; i++) {
    const namespace = NAMESPACES[i % 40]
    seed.flows!.push({ namespace, id: `flow${i}`, source: flowSource(namespace, `flow${i}`) })
  }
  for (let i = 0; i < 10_000; i++) {
    seed.files!.push({
      namespace: NAMESPACES[0],
      path: `/d${i % 100}/f${i}.txt`,
      content: `file ${i}`
    })
  }
  emulator.seed(seed)
})
afterAll(() => emulator.close())

describe('a seed of 2,000 flows in 40 namespaces and 10,000 files', () => {
  it('lists every namespace with its 50 flows', async () => {
    const counts = await Promise.all(
      NAMESPACES.map(async (ns) => (await json<unknown[]>(await fetch(`${P}/flows/${ns}`))).length)
    )
    expect(counts).toEqual(NAMESPACES.map(() => 50))
  })

  it('exports all flows by query and all files of a namespace', async () => {
    const flows = await unzipResponse(
      await fetch(`${P}/flows/export/by-query?filters[namespace][PREFIX]=company`)
    )
    expect(Object.keys(flows)).toHaveLength(2000)
    expect(flows[`${NAMESPACES[7]}-flow7.yml`]).toBe(flowSource(NAMESPACES[7], 'flow7'))

    const files = await unzipResponse(await fetch(`${P}/namespaces/${NAMESPACES[0]}/files/export`))
    expect(Object.keys(files)).toHaveLength(10_000)
    expect(files['d42/f9942.txt']).toBe('file 9942')
  })

  it('lists directories and snapshots everything', async () => {
    const root = await json<unknown[]>(
      await fetch(`${P}/namespaces/${NAMESPACES[0]}/files/directory`)
    )
    expect(root).toHaveLength(100)
    const snapshot = emulator.snapshot()
    expect([snapshot.flows.length, snapshot.files.length]).toEqual([2000, 10_000])
  })
})
