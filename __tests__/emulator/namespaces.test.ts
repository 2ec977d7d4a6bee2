/**
 * EE namespace entities in the emulator (handlers/namespaces.ts), as the client-sdk's kestra-ee.yml documents
 * them: created, read, updated and deleted by id on Enterprise; OSS keeps its implicit namespaces.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { json } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

const JSON_TYPE = { 'Content-Type': 'application/json' }

function send(url: string, method: string, body: unknown): Promise<Response> {
  return fetch(url, { method, headers: JSON_TYPE, body: JSON.stringify(body) })
}

describe('namespace entities', () => {
  it('EE: an unknown id is a 404 until created; updated and deleted by id', async () => {
    emulator = await startEmulator({ edition: 'EE', version: '1.3.31' })
    const P = `${emulator.url}/api/v1/main/namespaces`
    expect((await fetch(`${P}/company.team`)).status).toBe(404)
    const created = await send(P, 'POST', {
      id: 'company.team',
      description: 'Team',
      pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', values: { level: 'INFO' } }]
    })
    expect(created.status).toBe(200)
    expect((await send(P, 'POST', { id: 'company.team' })).status).toBe(422)
    expect((await send(P, 'POST', { id: 'Not Valid' })).status).toBe(422)
    const update = await send(`${P}/company.team`, 'PUT', {
      id: 'company.team',
      variables: { a: 1 }
    })
    expect(update.status).toBe(200)
    expect(await json(await fetch(`${P}/company.team`))).toEqual({
      id: 'company.team',
      deleted: false,
      variables: { a: 1 }
    })
    expect(emulator.namespaces().map((n) => n.id)).toEqual(['company.team'])
    expect((await send(`${P}/other`, 'PUT', { id: 'other' })).status).toBe(404)
    expect((await fetch(`${P}/company.team`, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(`${P}/company.team`)).status).toBe(404)
    expect((await fetch(`${P}/company.team`, { method: 'DELETE' })).status).toBe(404)
  })

  it('EE 2.0 keeps no plugin defaults on a namespace', async () => {
    emulator = await startEmulator({ edition: 'EE', version: '2.0.0' })
    const P = `${emulator.url}/api/v1/main/namespaces`
    await send(P, 'POST', { id: 'team', pluginDefaults: [{ type: 'io.kestra.X' }] })
    expect(await json(await fetch(`${P}/team`))).toEqual({ id: 'team', deleted: false })
  })

  it('OSS: any id reads as {id, deleted:false}; nothing is created, updated or deleted', async () => {
    emulator = await startEmulator({ version: '1.3.31' })
    const P = `${emulator.url}/api/v1/main/namespaces`
    expect(await json(await fetch(`${P}/anything`))).toEqual({ id: 'anything', deleted: false })
    expect((await send(P, 'POST', { id: 'team' })).status).toBe(404)
    expect((await send(`${P}/team`, 'PUT', { id: 'team' })).status).toBe(404)
    expect((await fetch(`${P}/team`, { method: 'DELETE' })).status).toBe(404)
    expect(emulator.namespaces()).toEqual([])
  })
})
