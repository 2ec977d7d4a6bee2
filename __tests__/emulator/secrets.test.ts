import { afterEach, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../test-support/kestra-emulator/index.js'
import { json } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

interface SecretList {
  readOnly: boolean
  results: Record<string, unknown>[]
  total: number
}

const NAMES = ['slack_webhook', 'AWS_ACCESS_KEY', 'db_password', 'WEBHOOK_KEY', 'GitHub_Token']
/** `java.util.HashMap` iteration order of the upper-cased names (String.hashCode, 16 buckets). */
const MAP_ORDER = ['WEBHOOK_KEY', 'SLACK_WEBHOOK', 'GITHUB_TOKEN', 'AWS_ACCESS_KEY', 'DB_PASSWORD']

async function start(options: EmulatorOptions = {}): Promise<string> {
  emulator = await startEmulator({ version: '1.3.25', ...options })
  return `${emulator.url}/api/v1/main`
}

async function list(url: string): Promise<SecretList> {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  return json<SecretList>(response)
}

const keys = (body: SecretList) => body.results.map((r) => r.key)

describe('secrets listing on OSS: global environment secrets', () => {
  it('lists upper-cased names, read-only, never a value, in map order rather than sorted', async () => {
    const P = await start()
    emulator.seed({ secrets: [...NAMES, 'Slack_Webhook'].map((key) => ({ key })) })
    const all = await list(`${P}/secrets?size=50`)
    expect(all).toEqual({
      readOnly: true,
      results: MAP_ORDER.map((key) => ({ key })),
      total: 5
    })
    expect(keys(all)).not.toEqual([...MAP_ORDER].sort())
  })

  it('forgets a name seeded as deleted, whatever its case (the server restarted without it)', async () => {
    const P = await start()
    emulator.seed({ secrets: NAMES.map((key) => ({ key })) })
    emulator.seed({ secrets: [{ key: 'Slack_Webhook', deleted: true }] })
    expect(keys(await list(`${P}/secrets?size=50`))).toEqual(
      MAP_ORDER.filter((key) => key !== 'SLACK_WEBHOOK')
    )
    emulator.seed({ secrets: [{ key: 'slack_webhook' }] })
    expect(keys(await list(`${P}/secrets?size=50`))).toContain('SLACK_WEBHOOK')
  })

  it('pages by slicing that order: page 2 of size 3 holds the last 2 of 5', async () => {
    const P = await start()
    emulator.seed({ secrets: NAMES.map((key) => ({ key })) })
    const second = await list(`${P}/secrets?page=2&size=3`)
    expect(second.total).toBe(5)
    expect(keys(second)).toEqual(MAP_ORDER.slice(3))
    expect((await fetch(`${P}/secrets?page=0`)).status).toBe(422)
  })

  it('filters on q as a case-insensitive substring, EQUALS or NOT_EQUALS, and ignores namespace', async () => {
    const P = await start()
    emulator.seed({ secrets: NAMES.map((key) => ({ key, namespace: 'team' })) })
    expect(keys(await list(`${P}/secrets?filters[q][EQUALS]=webhook`))).toEqual([
      'WEBHOOK_KEY',
      'SLACK_WEBHOOK'
    ])
    expect(keys(await list(`${P}/secrets?filters[q][NOT_EQUALS]=webhook`))).toHaveLength(3)
    expect((await list(`${P}/secrets?filters[namespace][EQUALS]=other`)).total).toBe(5)
    const refused = await fetch(`${P}/secrets?filters[q][CONTAINS]=x`)
    expect(refused.status).toBe(422)
    expect((await json<{ message: string }>(refused)).message).toBe(
      'Illegal argument: Unsupported operation for QUERY filter: CONTAINS'
    )
  })

  it('parses sort without sorting, and refuses a malformed one', async () => {
    const P = await start()
    emulator.seed({ secrets: NAMES.map((key) => ({ key })) })
    expect(keys(await list(`${P}/secrets?sort=key:asc`))).toEqual(MAP_ORDER)
    const refused = await fetch(`${P}/secrets?sort=key`)
    expect(refused.status).toBe(422)
    expect((await json<{ message: string }>(refused)).message).toBe(
      'Illegal argument: Invalid sort parameter'
    )
  })

  it('answers every global name for any namespace on the deprecated and inherited routes', async () => {
    const P = await start()
    emulator.seed({ secrets: NAMES.map((key) => ({ key })) })
    const deprecated = await list(`${P}/namespaces/any.team/secrets?sort=key:asc`)
    expect(deprecated).toMatchObject({ readOnly: true, total: 5 })
    expect(keys(deprecated)).toEqual([...MAP_ORDER].sort())
    expect(keys(await list(`${P}/namespaces/x/secrets?filters[q][EQUALS]=KEY`))).toEqual([
      'WEBHOOK_KEY',
      'AWS_ACCESS_KEY'
    ])
    expect(await json(await fetch(`${P}/namespaces/a.b/inherited-secrets`))).toEqual({
      'a.b': MAP_ORDER
    })
  })

  it('grows the map past 12 names as Java does (32 buckets)', async () => {
    const P = await start()
    const names = Array.from({ length: 13 }, (_, i) => `SECRET_${String(i).padStart(2, '0')}`)
    emulator.seed({ secrets: names.map((key) => ({ key })) })
    expect(keys(await list(`${P}/secrets?size=20`))).toEqual([
      'SECRET_00',
      'SECRET_11',
      'SECRET_10',
      'SECRET_04',
      'SECRET_03',
      'SECRET_02',
      'SECRET_01',
      'SECRET_12',
      'SECRET_08',
      'SECRET_07',
      'SECRET_06',
      'SECRET_05',
      'SECRET_09'
    ])
  })
})

describe('secrets listing on EE: namespace secrets (assumed rules)', () => {
  const seeded = [
    { key: 'ROOT_TOKEN', namespace: 'company' },
    { key: 'TEAM_KEY', namespace: 'company.team', description: 'team key' },
    { key: 'OTHER', namespace: 'other' }
  ]

  it('forgets a name seeded as deleted in its namespace only', async () => {
    const P = await start({ edition: 'EE' })
    emulator.seed({ secrets: [...seeded, { key: 'ROOT_TOKEN', namespace: 'other' }] })
    emulator.seed({ secrets: [{ key: 'ROOT_TOKEN', namespace: 'company', deleted: true }] })
    expect((await list(`${P}/secrets`)).results).toEqual([
      { key: 'TEAM_KEY', namespace: 'company.team', description: 'team key', tags: [] },
      { key: 'OTHER', namespace: 'other', tags: [] },
      { key: 'ROOT_TOKEN', namespace: 'other', tags: [] }
    ])
  })

  it('lists every namespace with its namespace on each result, filterable by namespace', async () => {
    const P = await start({ edition: 'EE' })
    emulator.seed({ secrets: seeded })
    const all = await list(`${P}/secrets`)
    expect(all).toEqual({
      readOnly: false,
      total: 3,
      results: [
        { key: 'ROOT_TOKEN', namespace: 'company', tags: [] },
        { key: 'TEAM_KEY', namespace: 'company.team', description: 'team key', tags: [] },
        { key: 'OTHER', namespace: 'other', tags: [] }
      ]
    })
    expect(keys(await list(`${P}/secrets?filters[namespace][PREFIX]=company`))).toEqual([
      'ROOT_TOKEN',
      'TEAM_KEY'
    ])
    expect((await fetch(`${P}/secrets?filters[flowId][EQUALS]=x`)).status).toBe(400)
    expect(keys(await list(`${P}/namespaces/company.team/secrets`))).toEqual(['TEAM_KEY'])
  })

  it('answers inherited secrets for the namespace and each ancestor holding some', async () => {
    const P = await start({ edition: 'EE' })
    emulator.seed({ secrets: seeded })
    expect(await json(await fetch(`${P}/namespaces/company.team.etl/inherited-secrets`))).toEqual({
      'company.team': ['TEAM_KEY'],
      company: ['ROOT_TOKEN']
    })
    expect(await json(await fetch(`${P}/namespaces/company.team/inherited-secrets`))).toEqual({
      'company.team': ['TEAM_KEY'],
      company: ['ROOT_TOKEN']
    })
    await emulator.close()
    const ancestorsOnly = await start({ edition: 'EE', inheritedSecretsIncludeOwn: false })
    emulator.seed({ secrets: seeded })
    expect(
      await json(await fetch(`${ancestorsOnly}/namespaces/company.team/inherited-secrets`))
    ).toEqual({ company: ['ROOT_TOKEN'] })
  })

  it('answers 403 with no body where the token lacks the permission', async () => {
    const P = await start({
      edition: 'EE',
      forbiddenRoutes: ['secrets.list', 'namespaces.secrets.inherited']
    })
    for (const path of ['/secrets', '/namespaces/company/inherited-secrets']) {
      const response = await fetch(P + path)
      expect(response.status).toBe(403)
      expect(await response.text()).toBe('')
    }
    expect((await fetch(`${P}/namespaces/company/secrets`)).status).toBe(200)
  })
})

describe('secrets listing: versions', () => {
  it('is a route miss before the documented 1.1.4, and the deprecated route is gone in 2.0', async () => {
    const old = await start({ version: '1.1.3' })
    for (const path of ['/secrets', '/namespaces/a/secrets', '/namespaces/a/inherited-secrets']) {
      expect((await fetch(old + path)).status).toBe(404)
    }
    await emulator.close()
    const next = await start({ version: '2.0.0' })
    expect((await fetch(`${next}/secrets`)).status).toBe(200)
    expect((await fetch(`${next}/namespaces/a/inherited-secrets`)).status).toBe(200)
    expect((await fetch(`${next}/namespaces/a/secrets`)).status).toBe(404)
  })

  it('moves the first version with the routes when the boundary is configured', async () => {
    const P = await start({ version: '1.2.0', boundaries: { secrets: '1.3.0' } })
    expect((await fetch(`${P}/secrets`)).status).toBe(404)
  })
})
