import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { json } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

function put(prefix: string, key: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${prefix}/namespaces/team/kv/${key}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'text/plain', ...headers },
    body
  })
}

describe('KV store', () => {
  it('round-trips typed values, with revision and updated on 1.2.5+', async () => {
    emulator = await startEmulator()
    const P = `${emulator.url}/api/v1/main`
    expect((await put(P, 'greeting', '"hello"')).status).toBe(200)
    await put(P, 'count', '42')
    await put(P, 'config', '{"a":[1,2]}')
    await put(P, 'day', '2021-09-01')
    const greeting = await json<Record<string, unknown>>(
      await fetch(`${P}/namespaces/team/kv/greeting`)
    )
    expect(greeting).toMatchObject({ type: 'STRING', value: 'hello', revision: 1 })
    expect(typeof greeting.updated).toBe('string')
    expect(await json(await fetch(`${P}/namespaces/team/kv/count`))).toMatchObject({
      type: 'NUMBER',
      value: 42
    })
    expect(await json(await fetch(`${P}/namespaces/team/kv/config`))).toMatchObject({
      type: 'JSON',
      value: { a: [1, 2] }
    })
    expect(await json(await fetch(`${P}/namespaces/team/kv/day`))).toMatchObject({ type: 'DATE' })
    const list = await json<{ key: string }[]>(await fetch(`${P}/namespaces/team/kv`))
    expect(list.map((e) => e.key)).toEqual(['config', 'count', 'day', 'greeting'])
    expect(emulator.snapshot().kv).toContainEqual({
      tenant: 'main',
      namespace: 'team',
      key: 'greeting',
      value: 'hello'
    })
  })

  it('removes a key seeded as deleted, as the DELETE route does, and keeps its neighbours', async () => {
    emulator = await startEmulator()
    const P = `${emulator.url}/api/v1/main`
    emulator.seed({
      kv: [
        { namespace: 'team', key: 'gone', value: 1 },
        { namespace: 'team', key: 'kept', value: 2 },
        { namespace: 'other', key: 'gone', value: 3 }
      ]
    })
    emulator.seed({ kv: [{ namespace: 'team', key: 'gone', deleted: true }] })
    expect((await fetch(`${P}/namespaces/team/kv/gone`)).status).toBe(404)
    const list = await json<{ key: string }[]>(await fetch(`${P}/namespaces/team/kv`))
    expect(list.map((e) => e.key)).toEqual(['kept'])
    expect(await json(await fetch(`${P}/namespaces/other/kv/gone`))).toMatchObject({ value: 3 })
  })

  it('404s missing keys, answers delete with true/false and 422s bad keys', async () => {
    emulator = await startEmulator()
    const P = `${emulator.url}/api/v1/main`
    const missing = await fetch(`${P}/namespaces/team/kv/nope`)
    expect(missing.status).toBe(404)
    expect((await json<{ message: string }>(missing)).message).toBe(
      "Not Found: No value found for key 'nope' in namespace 'team'"
    )
    await put(P, 'k', '1')
    expect(await json(await fetch(`${P}/namespaces/team/kv/k`, { method: 'DELETE' }))).toBe(true)
    expect(await json(await fetch(`${P}/namespaces/team/kv/k`, { method: 'DELETE' }))).toBe(false)
    const bad = await put(P, '-bad', '1')
    expect(bad.status).toBe(422)
    expect((await json<{ message: string }>(bad)).message).toMatch(
      /^Illegal argument: Key must start/
    )
  })

  it('stores unparsable text as a string on 1.2+ and refuses it on older servers', async () => {
    emulator = await startEmulator({ version: '1.2.0' })
    await put(`${emulator.url}/api/v1/main`, 'raw', 'hello world')
    expect(await json(await fetch(`${emulator.url}/api/v1/main/namespaces/team/kv/raw`))).toEqual({
      type: 'STRING',
      value: 'hello world'
    })
    const old = await startEmulator({ version: '0.20.7' })
    const refused = await put(`${old.url}/api/v1`, 'raw', 'hello world')
    expect(refused.status).toBe(422)
    expect((await json<{ message: string }>(refused)).message).toBe(
      'Illegal argument: Invalid JSON value for: hello world'
    )
    await old.close()
  })

  it('answers 410 for an expired entry', async () => {
    emulator = await startEmulator()
    const P = `${emulator.url}/api/v1/main`
    await put(P, 'short', '"x"', { ttl: 'PT0S' })
    const expired = await fetch(`${P}/namespaces/team/kv/short`)
    expect(expired.status).toBe(410)
    expect((await json<{ message: string }>(expired)).message).toBe(
      'Resource has expired: The requested value has expired'
    )
  })
})
