import { afterEach, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { json } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

type Entry = Record<string, unknown>

const SEED: SeedState['kv'] = [
  { namespace: 'company', key: 'region', value: 'eu' },
  { namespace: 'company', key: 'shared', value: 'root' },
  { namespace: 'company.team', key: 'shared', value: 'team', description: 'nearer' },
  { namespace: 'company.team', key: 'old', value: 1, ttl: 'PT0S' },
  { namespace: 'company.team.etl', key: 'own', value: true },
  { namespace: 'other', key: 'region', value: 'us' }
]

async function start(options: EmulatorOptions = {}): Promise<string> {
  emulator = await startEmulator({ version: '1.3.25', ...options })
  emulator.seed({ kv: SEED })
  return `${emulator.url}/api/v1/main`
}

async function entries(url: string): Promise<Entry[]> {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  return json<Entry[]>(response)
}

const pairs = (list: Entry[]) => list.map((e) => `${String(e.namespace)}/${String(e.key)}`)

describe('KV: namespace listing', () => {
  it('lists exactly the namespace, latest version, expired and deleted keys left out, no values', async () => {
    const P = await start()
    await fetch(`${P}/namespaces/company.team.etl/kv/own`, { method: 'DELETE' })
    const team = await entries(`${P}/namespaces/company.team/kv`)
    expect(team).toEqual([
      {
        namespace: 'company.team',
        key: 'shared',
        version: 1,
        description: 'nearer',
        creationDate: expect.any(String),
        updateDate: expect.any(String)
      }
    ])
    expect(await entries(`${P}/namespaces/company.team.etl/kv`)).toEqual([])
  })

  it('is gone in 2.0', async () => {
    const P = await start({ version: '2.0.0' })
    expect((await fetch(`${P}/namespaces/company/kv`)).status).toBe(404)
  })
})

describe('KV: inheritance listing', () => {
  it('lists the ancestors only, nearest first, dropping a key already met nearer', async () => {
    const P = await start()
    const inherited = await entries(`${P}/namespaces/company.team.etl/kv/inheritance`)
    expect(pairs(inherited)).toEqual(['company.team/shared', 'company/region'])
    expect(inherited[0]).toMatchObject({ description: 'nearer', version: 1 })
    expect(await entries(`${P}/namespaces/company/kv/inheritance`)).toEqual([])
  })

  it('is the key route before the boundary: GET kv/inheritance reads a key of that name', async () => {
    const P = await start({ version: '1.1.3' })
    const response = await fetch(`${P}/namespaces/company/kv/inheritance`)
    expect(response.status).toBe(404)
    expect((await json<{ message: string }>(response)).message).toBe(
      "Not Found: No value found for key 'inheritance' in namespace 'company'"
    )
  })
})

describe('KV: paged search across namespaces', () => {
  it('filters by namespace with EQUALS, PREFIX and IN, pages with a total, expired keys left out', async () => {
    const P = await start()
    const search = async (query: string) =>
      json<{ results: Entry[]; total: number }>(await fetch(`${P}/kv?${query}`))
    expect(pairs((await search('filters[namespace][EQUALS]=company')).results)).toEqual([
      'company/region',
      'company/shared'
    ])
    expect(pairs((await search('filters[namespace][PREFIX]=company&size=50')).results)).toEqual([
      'company/region',
      'company/shared',
      'company.team/shared',
      'company.team.etl/own'
    ])
    const within = await search('filters[namespace][IN]=company,company.team&page=2&size=2')
    expect(within.total).toBe(3)
    expect(pairs(within.results)).toEqual(['company.team/shared'])
    expect(pairs((await search('filters[q][EQUALS]=REG&sort=namespace:desc')).results)).toEqual([
      'other/region',
      'company/region'
    ])
  })

  it('answers 400 "Invalid query filters" for a field or an operation KV metadata lacks', async () => {
    const P = await start()
    for (const query of ['filters[flowId][EQUALS]=x', 'filters[q][PREFIX]=x']) {
      const response = await fetch(`${P}/kv?${query}`)
      expect(response.status).toBe(400)
      expect((await json<{ message: string }>(response)).message).toMatch(
        /^Invalid query filters: /
      )
    }
    expect((await fetch(`${P}/kv?size=0`)).status).toBe(422)
  })

  it('filters on the update date and says `revision` in 2.0', async () => {
    const P = await start({ version: '2.0.0' })
    const later = await json<{ results: Entry[] }>(
      await fetch(`${P}/kv?filters[updated][GREATER_THAN]=2000-01-01T00:00:00Z&size=1`)
    )
    expect(later.results[0]).toMatchObject({ revision: 1 })
    expect(later.results[0]).not.toHaveProperty('version')
    const none = await json<{ total: number }>(
      await fetch(`${P}/kv?filters[updated][LESS_THAN]=2000-01-01T00:00:00Z`)
    )
    expect(none.total).toBe(0)
  })

  it('is a route miss before the boundary', async () => {
    const P = await start({ version: '1.3.25', boundaries: { kvSearch: '1.4.0' } })
    expect((await fetch(`${P}/kv`)).status).toBe(404)
  })
})
