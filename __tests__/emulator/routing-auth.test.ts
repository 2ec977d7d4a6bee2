import { afterEach, describe, expect, it } from 'vitest'
import { ROUTES, startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, postYaml } from './http.js'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

describe('URL eras', () => {
  it('serves /api/v1/{tenant}/… on a tenant-era server and 404s tenant-less or foreign-tenant paths', async () => {
    emulator = await startEmulator({ version: '1.3.2', edition: 'EE' })
    const created = await postYaml(`${emulator.url}/api/v1/main/flows`, flowSource('team', 'a'))
    expect(created.status).toBe(200)

    const tenantless = await fetch(`${emulator.url}/api/v1/flows/team/a`)
    expect(tenantless.status).toBe(404)
    expect(await json(tenantless)).toEqual({
      message: 'Not Found',
      _links: { self: { href: '/api/v1/flows/team/a', templated: false } }
    })
    expect((await fetch(`${emulator.url}/api/v1/other/flows/team/a`)).status).toBe(404)
    expect((await fetch(`${emulator.url}/api/v1/main/flows/team/a`)).status).toBe(200)
    expect(emulator.requests.map((r) => r.route)).toEqual([
      'flows.create',
      'unmatched',
      'unmatched',
      'flows.get'
    ])
  })

  it('serves /api/v1/… on a legacy server and 404s the tenant prefix', async () => {
    emulator = await startEmulator({ version: '0.20.7' })
    expect((await postYaml(`${emulator.url}/api/v1/flows`, flowSource('team', 'a'))).status).toBe(
      200
    )
    expect((await fetch(`${emulator.url}/api/v1/flows/team/a`)).status).toBe(200)
    expect((await fetch(`${emulator.url}/api/v1/main/flows/team/a`)).status).toBe(404)
  })

  it('answers /api/v1/configs in both eras with the configured version and edition', async () => {
    for (const version of ['0.20.7', '1.3.2']) {
      const server = await startEmulator({ version, edition: 'EE' })
      const response = await fetch(`${server.url}/api/v1/configs`)
      expect(await json(response)).toEqual({
        version,
        edition: 'EE',
        systemNamespace: 'system',
        isBasicAuthInitialized: false
      })
      await server.close()
    }
  })

  it('uses a configured tenant id', async () => {
    emulator = await startEmulator({ tenant: 'acme', edition: 'EE' })
    expect((await fetch(`${emulator.url}/api/v1/acme/flows/team`)).status).toBe(200)
    expect((await fetch(`${emulator.url}/api/v1/main/flows/team`)).status).toBe(404)
  })

  it('maps every tenant to main on OSS, as its TenantService does', async () => {
    emulator = await startEmulator({ version: '1.3.2', edition: 'OSS' })
    const created = await postYaml(`${emulator.url}/api/v1/staging/flows`, flowSource('team', 'a'))
    expect(created.status).toBe(200)
    const read = await fetch(`${emulator.url}/api/v1/main/flows/team/a`)
    expect(read.status).toBe(200)
    expect(emulator.snapshot().flows.map((f) => [f.tenant, f.id])).toEqual([['main', 'a']])
    // The tenant-less prefix still misses.
    expect((await fetch(`${emulator.url}/api/v1/flows/team/a`)).status).toBe(404)
  })

  it('needs the tenant segment on EE from 0.22 (tenants on, no default tenant) but not before', async () => {
    emulator = await startEmulator({ version: '0.22.0', edition: 'EE' })
    expect((await fetch(`${emulator.url}/api/v1/main/flows/team`)).status).toBe(200)
    expect((await fetch(`${emulator.url}/api/v1/flows/team`)).status).toBe(404)
    await emulator.close()
    emulator = await startEmulator({ version: '0.21.3', edition: 'EE' })
    expect((await fetch(`${emulator.url}/api/v1/flows/team`)).status).toBe(200)
  })

  it('answers 404 for endpoints declared missing, as an older server would', async () => {
    emulator = await startEmulator({ missingEndpoints: ['flows.export.by-ids'] })
    const response = await fetch(`${emulator.url}/api/v1/main/flows/export/by-ids`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[]'
    })
    expect(response.status).toBe(404)
    expect(emulator.requests[0].route).toBe('flows.export.by-ids')
  })

  it('exports the route names, unmatched included', () => {
    expect(ROUTES).toContain('namespaces.files.upload')
    expect(ROUTES).toContain('unmatched')
  })
})

describe('authentication', () => {
  const basicAuth = { username: 'admin@example.com', password: 'Secret123' }
  const basic = `Basic ${Buffer.from('admin@example.com:Secret123').toString('base64')}`

  it('answers 401 with WWW-Authenticate: Basic and no body without credentials, configs included', async () => {
    emulator = await startEmulator({ basicAuth })
    for (const path of ['/api/v1/configs', '/api/v1/main/flows/team']) {
      const response = await fetch(emulator.url + path)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic')
      expect(await response.text()).toBe('')
    }
    const wrong = await fetch(`${emulator.url}/api/v1/configs`, {
      headers: {
        Authorization: `Basic ${Buffer.from('admin@example.com:nope').toString('base64')}`
      }
    })
    expect(wrong.status).toBe(401)
  })

  it('accepts the Basic header or the BASIC_AUTH cookie and logs only the scheme', async () => {
    emulator = await startEmulator({ basicAuth })
    const withHeader = await fetch(`${emulator.url}/api/v1/configs`, {
      headers: { Authorization: basic }
    })
    expect(await json(withHeader)).toMatchObject({ isBasicAuthInitialized: true })
    const withCookie = await fetch(`${emulator.url}/api/v1/main/flows/team`, {
      headers: { Cookie: `BASIC_AUTH=${basic.slice(6)}` }
    })
    expect(withCookie.status).toBe(200)
    expect(emulator.requests.map((r) => r.authorization)).toEqual(['basic', 'basic'])
    expect(JSON.stringify(emulator.requests)).not.toContain(basic.slice(6))
  })

  it('accepts configured bearer tokens only', async () => {
    emulator = await startEmulator({ tokens: ['tok-1'] })
    const ok = await fetch(`${emulator.url}/api/v1/main/flows/team`, {
      headers: { Authorization: 'Bearer tok-1' }
    })
    expect(ok.status).toBe(200)
    const refused = await fetch(`${emulator.url}/api/v1/main/flows/team`, {
      headers: { Authorization: 'Bearer tok-2' }
    })
    expect(refused.status).toBe(401)
    expect(emulator.requests.map((r) => r.authorization)).toEqual(['bearer', 'bearer'])
  })

  it('gives the 401 a problem body in problemJson mode', async () => {
    emulator = await startEmulator({ basicAuth, problemJson: true })
    const response = await fetch(`${emulator.url}/api/v1/configs`)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await json(response)).toMatchObject({
      type: 'https://kestra.io/docs/api-reference/problems/unauthenticated',
      status: 401
    })
  })
})

describe('problemJson mode', () => {
  it('answers RFC 9457 bodies, 409 for an existing flow and 404 for unmatched routes', async () => {
    emulator = await startEmulator({ problemJson: true })
    await postYaml(`${emulator.url}/api/v1/main/flows`, flowSource('team', 'a'))
    const again = await postYaml(`${emulator.url}/api/v1/main/flows`, flowSource('team', 'a'))
    expect(again.status).toBe(409)
    expect(again.headers.get('content-type')).toBe('application/problem+json')
    expect(await json(again)).toMatchObject({
      type: 'https://kestra.io/docs/api-reference/problems/entity-already-exists',
      status: 409,
      detail: 'flow.id: Flow id already exists',
      errors: [{ detail: 'Flow id already exists', pointer: '/flow/id', path: 'flow.id' }]
    })
    const missing = await fetch(`${emulator.url}/api/v1/main/flows/team/zzz`)
    expect(await json(missing)).toMatchObject({
      type: 'https://kestra.io/docs/api-reference/problems/not-found',
      status: 404
    })
  })
})
