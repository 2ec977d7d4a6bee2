/**
 * Reads asked while the era's probe is out (docs/kestra.md#tenant-prefix): they leave at once on the tenant
 * prefix, and what they answer stands only where the probe confirms that prefix; elsewhere they are asked again
 * as the era says, so a read ends exactly as it would have had it waited for the probe.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import { pathOf, ScopedHttp } from '../../../src/adapters/kestra/scoped-http.js'
import type {
  HttpRequest,
  HttpResponse,
  Transport
} from '../../../src/adapters/kestra/transport.js'
import { runs } from '../../../test-support/property-runs.js'

const json = (req: HttpRequest, status: number, body: unknown): HttpResponse => ({
  method: req.method,
  path: req.path,
  status,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode(JSON.stringify(body)),
  attempts: 1,
  sentBytes: 0
})

type ApiShape = 'tenant' | 'legacy' | 'unreadable' | 'refused'

/**
 * A server of `era` whose probe answers only when `release()` is called, so that reads are asked while it is
 * out. Its routes live below one prefix; a read of `missing` answers 404 there, as an absent KV key does.
 */
function server(era: ApiShape) {
  const sent: string[] = []
  let release!: () => void
  const probed = new Promise<void>((resolve) => (release = resolve))
  const prefix = era === 'legacy' ? '/api/v1/flows' : '/api/v1/main/flows'
  const transport = {
    async send(req: HttpRequest): Promise<HttpResponse> {
      sent.push(`${req.method} ${req.path}`)
      if (req.path === '/api/v1/configs') {
        await probed
        if (era === 'refused')
          throw new ApiError({
            status: 401,
            method: 'GET',
            path: req.path,
            serverMessage: 'Unauthorized'
          })
        if (era === 'unreadable') return json(req, 200, { nothing: true })
        return json(req, 200, { version: era === 'legacy' ? '0.20.7' : '1.3.2', edition: 'OSS' })
      }
      const found = req.path.startsWith(`${prefix}/`) && !req.path.endsWith('/missing')
      if (found) return json(req, 200, { path: req.path })
      if (req.allow?.includes(404)) return json(req, 404, { message: 'Not Found' })
      throw new ApiError({
        status: 404,
        method: req.method,
        path: req.path,
        serverMessage: 'Not Found'
      })
    }
  }
  return { http: new ScopedHttp(transport as unknown as Transport, 'main'), sent, release }
}

const body = (response: HttpResponse) =>
  JSON.parse(new TextDecoder().decode(response.body)) as unknown

/** What a read ends with: its answer's status and body, or its error's status. */
async function outcome(reading: Promise<HttpResponse>) {
  try {
    const response = await reading
    return { status: response.status, body: body(response) }
  } catch (error) {
    return { error: error instanceof ApiError ? (error.status ?? 'no status') : String(error) }
  }
}

describe('reads asked while the probe is out', () => {
  it('leave before the probe answers, on the tenant prefix', async () => {
    const { http, sent, release } = server('tenant')
    const info = http.info()
    const read = http.send({ method: 'GET', route: '/flows/{namespace}', params: ['team'] })
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(sent).toEqual(['GET /api/v1/configs', 'GET /api/v1/main/flows/team'])
    release()
    await info
    expect(await outcome(read)).toEqual({ status: 200, body: { path: '/api/v1/main/flows/team' } })
    expect(sent).toHaveLength(2)
  })

  it('end as they would have had they waited, on every kind of server and answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ApiShape>('tenant', 'legacy', 'unreadable', 'refused'),
        fc.constantFrom('/flows/team', '/flows/missing'),
        fc.boolean(),
        fc.constantFrom('GET' as const, 'POST' as const),
        async (era, path, allow404, method) => {
          const request = {
            method,
            path,
            route: '/flows/{namespace}',
            readOnly: method === 'POST',
            ...(allow404 && { allow: [404] })
          }
          // Asked while the probe is out.
          const early = server(era)
          const earlyRead = outcome(early.http.send(request))
          early.release()
          // Asked once the probe has answered.
          const late = server(era)
          late.release()
          await late.http.info().catch(() => undefined)
          const lateRead = await outcome(late.http.send(request))
          expect(await earlyRead).toEqual(lateRead)
        }
      )
    )
  })

  it('a write waits for the probe', async () => {
    const { http, sent, release } = server('tenant')
    const write = http.send({ method: 'PUT', route: '/flows/{namespace}', params: ['team'] })
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(sent).toEqual(['GET /api/v1/configs'])
    release()
    await write
    expect(sent).toEqual(['GET /api/v1/configs', 'PUT /api/v1/main/flows/team'])
  })

  it('on a server of the legacy prefix, are asked again there', async () => {
    const { http, sent, release } = server('legacy')
    const read = http.send({ method: 'GET', route: '/flows/{namespace}', params: ['team'] })
    release()
    expect(await outcome(read)).toEqual({ status: 200, body: { path: '/api/v1/flows/team' } })
    expect(sent).toEqual([
      'GET /api/v1/configs',
      'GET /api/v1/main/flows/team',
      'GET /api/v1/flows/team'
    ])
  })
})

describe('a route and its parameters', () => {
  const segment = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((value) => !/[/\\]/.test(value) && value !== '.' && value !== '..')
    .filter((value) => !/[\uD800-\uDFFF]/.test(value))
  it('fill each {…} in order as one segment, and a miscounted call sends nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('flows', 'namespaces', 'kv'), { minLength: 1, maxLength: 3 }),
        fc.array(segment, { maxLength: 4 }),
        fc.integer({ min: -1, max: 1 }),
        (fixed, params, off) => {
          const holes = Math.max(0, params.length + off)
          const route = [...fixed, ...Array.from({ length: holes }, (_, i) => `{p${i}}`)]
            .map((part) => `/${part}`)
            .join('')
          if (holes !== params.length) {
            expect(() => pathOf(route, params)).toThrow(/parameter/)
            return
          }
          const parts = pathOf(route, params)
            .split('/')
            .slice(1 + fixed.length)
          expect(parts.map(decodeURIComponent)).toEqual(params)
        }
      ),
      { numRuns: runs(300, 100), seed: 20261127 }
    )
  })
})
