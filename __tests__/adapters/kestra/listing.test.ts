import { strToU8, zipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { createKestraClient } from '../../../src/adapters/kestra/client.js'
import { json, startTestServer, type TestServer } from './test-server.js'

let server: TestServer | undefined
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
  await server?.close()
})

async function clientFor(
  routes: Record<string, (body: Buffer) => [number, string, Uint8Array | string]>
) {
  server = await startTestServer((req, res, body) => {
    if (req.url === '/api/v1/configs') return json(res, 200, { version: '0.19.0', edition: 'OSS' })
    const route = routes[`${req.method} ${req.url}`]
    if (!route) return json(res, 404, { message: 'Not Found' })
    const [status, type, payload] = route(body)
    res.writeHead(status, { 'content-type': type })
    res.end(payload)
  })
  const client = createKestraClient({
    server: server.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 5,
    concurrency: 2
  })
  closers.push(() => client.close())
  return client
}

const zip = (entries: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strToU8(v)])))

describe('bulk listings of older exports', () => {
  it('skips directory entries and the _flows folder of 0.x file exports', async () => {
    const archive = zipSync({
      'dir/': new Uint8Array(),
      'dir/a.txt': strToU8('a'),
      '_flows/': new Uint8Array(),
      '_flows/hello.yml': strToU8('id: hello'),
      '_flowsy.txt': strToU8('kept')
    })
    const client = await clientFor({
      'GET /api/v1/namespaces/team/files/export': () => [200, 'application/octet-stream', archive]
    })
    const files = await client.listFiles('team')
    expect(files.map((f) => [f.path, new TextDecoder().decode(f.bytes())])).toEqual([
      ['/_flowsy.txt', 'kept'],
      ['/dir/a.txt', 'a']
    ])
  })

  it('maps exported flows by entry name, or by their id when the name is unexpected', async () => {
    let exportBody = ''
    const client = await clientFor({
      'GET /api/v1/flows/a.b': () => [
        200,
        'application/json',
        JSON.stringify([
          { id: 'one', namespace: 'a.b', revision: 2 },
          { id: 'two', namespace: 'a.b', revision: 5 },
          { id: 'three', namespace: 'a.b', revision: 1 }
        ])
      ],
      'POST /api/v1/flows/export/by-ids': (body) => {
        exportBody = body.toString()
        return [
          200,
          'application/octet-stream',
          zip({
            'a.b.one.yaml': 'id: one\nnamespace: a.b\n',
            'a.b-two.yml': 'id: two\nnamespace: a.b\n',
            'renamed.yaml': 'id: three\nnamespace: a.b\n'
          })
        ]
      }
    })
    expect(await client.listFlows('a.b')).toEqual([
      { namespace: 'a.b', id: 'one', revision: 2, source: 'id: one\nnamespace: a.b\n' },
      { namespace: 'a.b', id: 'three', revision: 1, source: 'id: three\nnamespace: a.b\n' },
      { namespace: 'a.b', id: 'two', revision: 5, source: 'id: two\nnamespace: a.b\n' }
    ])
    expect(JSON.parse(exportBody)).toEqual([
      { namespace: 'a.b', id: 'one' },
      { namespace: 'a.b', id: 'two' },
      { namespace: 'a.b', id: 'three' }
    ])
  })

  it('makes no export request for an empty namespace', async () => {
    const client = await clientFor({
      'GET /api/v1/flows/empty': () => [200, 'application/json', '[]']
    })
    expect(await client.listFlows('empty')).toEqual([])
    // The listing once on the tenant prefix while the probe was out, then on this server's legacy one.
    expect(client.requestCount()).toEqual({ 'GET /configs': 1, 'GET /flows/{namespace}': 2 })
  })
})
