/**
 * The names listings read through the real client from the emulator, release by release
 * (docs/caught-at-review.md#requests): the same keys are found whichever routes the release has, at most
 * one KV listing per namespace, and a value is never read.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { readNameListings } from '../../../src/resources/flows/gather-name-listings.js'
import type { NameReference } from '../../../src/model/names.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'

let open: { emulator: Emulator; client: KestraClient } | undefined
afterEach(async () => {
  await open?.client.close()
  await open?.emulator.close()
  open = undefined
})

const SEEDED_KV = [
  { namespace: 'a', key: 'top', value: 1 },
  { namespace: 'a.b', key: 'mid', value: 1 },
  { namespace: 'x', key: 'other', value: 1 }
]

async function serve(version: string, kv = SEEDED_KV) {
  const emulator = await startEmulator({ version })
  emulator.seed({ secrets: [{ key: 'TOKEN' }], kv })
  const client = createKestraClient({
    server: emulator.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 10,
    concurrency: 4,
    retry: { baseDelayMs: 0 }
  })
  open = { emulator, client }
  return open
}

const kv = (name: string): NameReference => ({
  kind: 'kv',
  name,
  flowNamespace: 'a.b.c',
  file: 'f.yml',
  line: 1,
  column: 1,
  fromFlow: 'flow:a.b.c/f'
})

describe('KV keys of a namespace and its parents', () => {
  for (const version of ['1.3.25', '1.2.5', '1.0.8', '2.0.0']) {
    it(`Kestra ${version}: each namespace's keys, one listing at most per namespace, no value read`, async () => {
      const { emulator, client } = await serve(version)
      const listings = await readNameListings(client, [kv('top'), kv('mid')])
      expect(listings.kv).toEqual({
        listed: true,
        value: { a: ['top'], 'a.b': ['mid'], 'a.b.c': [] }
      })
      const routes = emulator.requests.map((r) => r.route).filter((r) => r.startsWith('kv.'))
      expect(routes).not.toContain('kv.get')
      expect(routes.length).toBeLessThanOrEqual(3)
    })
  }

  for (const version of ['0.20.7', '0.21.3']) {
    it(`Kestra ${version}, before kv() looked in parents: the flow's own namespace only, and said so`, async () => {
      const { emulator, client } = await serve(version)
      const listings = await readNameListings(client, [kv('top'), kv('mid')])
      expect(listings).toMatchObject({
        kv: { listed: true, value: { 'a.b.c': [] } },
        kvOwnNamespaceOnly: true
      })
      const routes = emulator.requests.map((r) => r.route).filter((r) => r.startsWith('kv.'))
      expect(routes.length).toBe(1)
    })
  }

  it('Kestra 0.22 on: parents are listed too, and no own-namespace flag', async () => {
    const { client } = await serve('0.22.0')
    const listings = await readNameListings(client, [kv('top')])
    expect(listings.kvOwnNamespaceOnly).toBeUndefined()
    expect(listings.kv).toEqual({
      listed: true,
      value: { a: ['top'], 'a.b': ['mid'], 'a.b.c': [] }
    })
  })

  it('many namespaces: several searches, each naming at most 2,500 characters of them within a 4,096-byte request line, every key found', async () => {
    const namespaces = Array.from(
      { length: 150 },
      (_, i) => `company.department${i}.team.with.a.rather.long.name`
    )
    const { emulator, client } = await serve(
      '1.3.25',
      namespaces.map((namespace, i) => ({ namespace, key: `k${i}`, value: 1 }))
    )
    const refs = namespaces.map((namespace, i) => ({ ...kv(`k${i}`), namespace }))
    const listings = await readNameListings(client, refs)
    expect(listings.kv).toEqual({
      listed: true,
      value: Object.fromEntries(namespaces.map((namespace, i) => [namespace, [`k${i}`]]))
    })
    const searches = emulator.requests.filter((r) => r.route === 'kv.search')
    expect(searches.length).toBeGreaterThan(1)
    const named = searches.map((r) => String(r.query['filters[namespace][IN]']))
    for (const list of named) expect(list.length).toBeLessThanOrEqual(2500)
    for (const search of searches) expect(search.requestLineBytes).toBeLessThanOrEqual(4096)
    expect(named.flatMap((list) => list.split(',')).sort()).toEqual([...namespaces].sort())
    expect(emulator.requests.map((r) => r.route)).not.toContain('kv.get')
  })

  it('Kestra 0.17, before the KV store: not listed, with the reason', async () => {
    const { client } = await serve('0.17.0')
    const listings = await readNameListings(client, [kv('top')])
    expect(listings.kv).toMatchObject({ listed: false, reason: expect.stringContaining('404') })
  })
})
