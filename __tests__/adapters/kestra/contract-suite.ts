import { strToU8, zipSync } from 'fflate'
import { afterEach, expect, it } from 'vitest'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import type { Target } from './contract-target.js'

export function flowSource(namespace: string, id: string, message = 'hello'): string {
  return `id: ${id}
namespace: ${namespace}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: ${message}
`
}

/** Kestra 1.x says when each flow revision was saved (docs/kestra.md#who-changed-a-flow-and-when). */
const SAVED_AT = { updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d/) }

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : bytes)

/** Behaviour every target must show; needs no emulator controls, so it also runs against a real Kestra. */
export function contractSuite(target: () => Target): void {
  const used: string[] = []
  const namespace = () => {
    const ns = target().namespace()
    used.push(ns)
    return ns
  }

  afterEach(async () => {
    const client = target().client()
    for (const ns of used.splice(0)) {
      for (const flow of await client.listFlows(ns)) await client.deleteFlow(ns, flow.id)
      for (const file of await client.listFiles(ns)) await client.deleteFile(ns, file.path)
    }
  })

  it('probes the server era once', async () => {
    const client = target().client()
    const info = await client.info()
    expect(info.version).not.toBe('unknown')
    if (target().tenantScoped !== undefined) expect(info.tenantScoped).toBe(target().tenantScoped)
    await client.getFlow(namespace(), 'absent')
    expect(client.requestCount()['GET /configs']).toBe(1)
  })

  it('creates, reads, updates, lists and deletes flows', async () => {
    const client = target().client()
    const ns = namespace()
    const saved = (await client.info()).version.startsWith('0.') ? {} : SAVED_AT
    const created = await client.createFlow(flowSource(ns, 'first'))
    expect(created).toEqual({
      namespace: ns,
      id: 'first',
      revision: 1,
      source: flowSource(ns, 'first'),
      ...saved
    })
    await client.createFlow(flowSource(ns, 'second'))

    expect(await client.getFlow(ns, 'first')).toEqual(created)
    expect(await client.getFlow(ns, 'absent')).toBeUndefined()

    const unchanged = await client.updateFlow(ns, 'first', flowSource(ns, 'first'))
    expect(unchanged.revision).toBe(1)
    const changed = await client.updateFlow(ns, 'first', flowSource(ns, 'first', 'changed'))
    expect(changed).toMatchObject({ revision: 2, source: flowSource(ns, 'first', 'changed') })

    expect(await client.listFlows(ns)).toEqual([
      {
        namespace: ns,
        id: 'first',
        revision: 2,
        source: flowSource(ns, 'first', 'changed'),
        ...saved
      },
      { namespace: ns, id: 'second', revision: 1, source: flowSource(ns, 'second'), ...saved }
    ])

    await client.deleteFlow(ns, 'second')
    expect(await client.getFlow(ns, 'second')).toBeUndefined()
    expect((await client.listFlows(ns)).map((f) => f.id)).toEqual(['first'])
  })

  it('fails with the server status on a missing flow and an existing id', async () => {
    const client = target().client()
    const ns = namespace()
    const missingUpdate = await client
      .updateFlow(ns, 'ghost', flowSource(ns, 'ghost'))
      .catch((e: unknown) => e)
    expect(missingUpdate).toBeInstanceOf(ApiError)
    expect((missingUpdate as ApiError).status).toBe(404)
    await expect(client.deleteFlow(ns, 'ghost')).rejects.toMatchObject({ status: 404 })

    await client.createFlow(flowSource(ns, 'dup'))
    const duplicate = (await client
      .createFlow(flowSource(ns, 'dup'))
      .catch((e: unknown) => e)) as ApiError
    expect(duplicate).toBeInstanceOf(ApiError)
    expect(duplicate.status).toBe(422)
    expect(duplicate.message).toMatch(
      /^Kestra answered 422 to POST \/api\/v1(\/[a-z0-9_-]+)?\/flows: .*already exists/
    )
  })

  it('stores namespace files byte for byte, whatever their name', async () => {
    const client = target().client()
    const ns = namespace()
    const binary = new Uint8Array(256).map((_, i) => i)
    const archive = zipSync({ 'inner.txt': strToU8('inside') })
    // Before 1.0 a space is stored as '+', and '#', '%' cannot be stored (legacy-file-path.ts).
    const exactNames = Number((await client.info()).version.split('.')[0]) >= 1
    const odd = exactNames ? '/data/with space & plus+hash#pct%.txt' : '/data/with&plus+.txt'
    const files: [string, Uint8Array][] = [
      ['/scripts/run.py', new TextEncoder().encode('print("hi")\n')],
      [odd, new TextEncoder().encode('odd name')],
      ['/données/ünï.txt', new TextEncoder().encode('unicode')],
      ['/bin/all-bytes.bin', binary],
      ['/bundle/archive.zip', archive]
    ]
    for (const [path, bytes] of files) await client.uploadFile(ns, path, bytes)

    for (const [path, bytes] of files) {
      expect([...((await client.getFile(ns, path)) ?? [])], path).toEqual([...bytes])
    }
    const listed = await client.listFiles(ns)
    expect(listed.map((f) => f.path)).toEqual(files.map(([path]) => path).sort())
    expect([...listed.find((f) => f.path === '/bundle/archive.zip')!.bytes()]).toEqual([...archive])

    await client.deleteFile(ns, '/scripts/run.py')
    expect(await client.getFile(ns, '/scripts/run.py')).toBeUndefined()
    expect(text(await client.getFile(ns, '/données/ünï.txt'))).toBe('unicode')
  })

  it('reads back KV values as JSON', async () => {
    const client = target().client()
    const ns = namespace()
    await client.putKv(ns, 'deployed_commit', { commit: 'abc123', at: '2026-01-01T00:00:00Z' })
    await client.putKv(ns, 'plain', 'a string with spaces')
    expect(await client.getKv(ns, 'deployed_commit')).toEqual({
      commit: 'abc123',
      at: '2026-01-01T00:00:00Z'
    })
    expect(await client.getKv(ns, 'plain')).toBe('a string with spaces')
    expect(await client.getKv(ns, 'absent')).toBeUndefined()
  })

  it('validates flows and maps each verdict to its source', async () => {
    const client = target().client()
    const ns = namespace()
    const results = await client.validateFlows([
      flowSource(ns, 'good'),
      flowSource(ns, 'bad').replace(
        'io.kestra.plugin.core.log.Log',
        'io.kestra.plugin.core.log.UnknownTask'
      ),
      flowSource(ns, 'alone') + 'description: |\n  ---\n'
    ])
    expect(results.map((r) => r.index)).toEqual([0, 1, 2])
    expect(results[0]!.errors).toEqual([])
    expect(results[1]!.errors.map((e) => e.message).join('\n')).toContain('UnknownTask')
    expect(await client.listFlows(ns)).toEqual([])
  })

  it('lists flows and files of a namespace in at most 3 requests', async () => {
    const setup = target().client()
    const ns = namespace()
    for (const id of ['a', 'b', 'c', 'd']) await setup.createFlow(flowSource(ns, id))
    for (const path of ['/x.txt', '/y/z.txt', '/y/w.sql']) {
      await setup.uploadFile(ns, path, new TextEncoder().encode(path))
    }
    const client = target().client()
    await client.info()
    const flows = await client.listFlows(ns)
    const files = await client.listFiles(ns)
    expect(flows.map((f) => [f.id, f.source])).toEqual(
      ['a', 'b', 'c', 'd'].map((id) => [id, flowSource(ns, id)])
    )
    expect(files.map((f) => [f.path, text(f.bytes())])).toEqual([
      ['/x.txt', '/x.txt'],
      ['/y/w.sql', '/y/w.sql'],
      ['/y/z.txt', '/y/z.txt']
    ])
    const counts = client.requestCount()
    const total = Object.entries(counts)
      .filter(([route]) => route !== 'GET /configs')
      .reduce((sum, [, n]) => sum + n, 0)
    expect(total).toBeLessThanOrEqual(3)
  })
}
