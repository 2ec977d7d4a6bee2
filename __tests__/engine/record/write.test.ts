/**
 * What a deploy writes of what the kinds keep in a commit marker (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker):
 * every kind's field beside the commit, under one seal; a marker keeping nothing is written unsealed; a field that
 * rewrites the marker makes it stale when its entries (by key) differ, one that rides along never does.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { markerSeal, trustedMarker, type MarkerSeal } from '../../../src/engine/record/seal.js'
import { type KeptByKinds, sameKept, writeMarker } from '../../../src/engine/record/write.js'
import { Semaphore } from '../../../src/model/concurrency.js'
import type { KestraApi } from '../../../src/adapters/kestra/api.js'

const CHEAP = { N: 16, r: 1, p: 1 }
const OURS = { commit: 'a'.repeat(40), repository: 'octo/repo' }
let seal: MarkerSeal
beforeAll(async () => {
  seal = (await markerSeal({ auth: { kind: 'bearer', token: 't' }, server: 's' }, CHEAP))!
})

/** The KV writes a marker write makes, as the server would hold them. */
async function written(kept?: KeptByKinds): Promise<Record<string, unknown>> {
  const puts: unknown[] = []
  const api = { putKv: async (_ns: string, _key: string, value: unknown) => puts.push(value) }
  const result = await writeMarker(
    api as unknown as KestraApi,
    'team',
    OURS,
    new Semaphore(1),
    kept
  )
  expect(result.written).toEqual(['team'])
  expect(puts).toHaveLength(1)
  return JSON.parse(JSON.stringify(puts[0])) as Record<string, unknown>
}

function kept(
  ours: Record<string, unknown> | undefined,
  recorded?: Record<string, unknown>
): KeptByKinds {
  return {
    ours: new Map(ours ? [['team', ours]] : []),
    rewriting: new Set(['checks']),
    recorded: new Map(recorded ? [['team', recorded]] : []),
    seal
  }
}

describe('a commit marker as a deploy writes it', () => {
  it('holds every kind field beside the commit, under one seal that the next run trusts', async () => {
    const value = await written(kept({ checks: { d1: { a: 1 } }, contents: { blobs: {} } }))
    expect(value).toMatchObject({ ...OURS, checks: { d1: { a: 1 } }, contents: { blobs: {} } })
    expect(trustedMarker(seal, 'team', value)).toEqual({ marker: value, trusted: true })
    expect(trustedMarker(seal, 'other', value).marker).toEqual(OURS)
  })

  it('is the commit alone, unsealed, when no kind keeps anything', async () => {
    expect(await written()).toEqual(OURS)
    expect(await written(kept(undefined))).toEqual(OURS)
  })

  it('is stale when a field that rewrites it holds other entries, never for a field that rides along', () => {
    const ours = { checks: { d1: 1, d2: 2 }, contents: { blobs: { b: 'x' } } }
    expect(sameKept(kept(ours, { ...OURS, checks: { d2: 0, d1: 0 } }), 'team')).toBe(true)
    expect(sameKept(kept(ours, { ...OURS, checks: { d1: 1 } }), 'team')).toBe(false)
    expect(sameKept(kept(ours, { ...OURS, checks: { d1: 1, d3: 3 } }), 'team')).toBe(false)
    expect(sameKept(kept(ours, { ...OURS }), 'team')).toBe(false)
    expect(sameKept(kept(ours, { ...OURS, checks: 'forged' }), 'team')).toBe(false)
    const facts = { checks: { d1: 1 }, contents: { blobs: {} } }
    expect(sameKept(kept(facts, { ...OURS, checks: { d1: 0 } }), 'team')).toBe(true)
    expect(sameKept(kept(undefined, { ...OURS }), 'team')).toBe(true)
    expect(sameKept(undefined, 'team')).toBe(true)
  })
})
