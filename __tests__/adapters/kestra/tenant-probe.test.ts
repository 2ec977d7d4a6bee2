/**
 * A tenant other than `main` is used only once the version probe confirms a server that has tenants
 * (docs/kestra.md#tenant-prefix): every answer of `GET /api/v1/configs` that does not show the edition (an error
 * status, a body that is not a JSON object, no version, a timeout, a reset) is an error naming the tenant, and no
 * other request leaves, read or write; with the tenant `main` the same answers leave the era to be found by the
 * requests, as before. An Enterprise answer lets the tenant through; an open-source one refuses it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import { ScopedHttp } from '../../../src/adapters/kestra/scoped-http.js'
import type {
  HttpRequest,
  HttpResponse,
  Transport
} from '../../../src/adapters/kestra/transport.js'
import { ConfigError } from '../../../src/model/errors.js'
import { runs } from '../../../test-support/property-runs.js'

type ProbeAnswer =
  | { kind: 'status'; status: number }
  | { kind: 'body'; text: string }
  | { kind: 'timeout' }
  | { kind: 'reset' }

const UNUSABLE: ProbeAnswer[] = [
  ...[400, 404, 405, 406, 409, 410, 422, 429, 500, 501, 502, 503, 504].map(
    (status) => ({ kind: 'status', status }) as const
  ),
  ...[
    '<html>Sign in</html>',
    '',
    '[]',
    '{}',
    'null',
    '{"version": "latest"}',
    '{"version": 3, "edition": "EE"}',
    '{"edition": "EE"}'
  ].map((text) => ({ kind: 'body', text }) as const),
  { kind: 'timeout' },
  { kind: 'reset' }
]

const response = (req: HttpRequest, status: number, text: string): HttpResponse => ({
  method: req.method,
  path: req.path,
  status,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode(text),
  attempts: 1,
  sentBytes: 0
})

function server(probe: ProbeAnswer) {
  const sent: string[] = []
  const transport = {
    async send(req: HttpRequest): Promise<HttpResponse> {
      sent.push(`${req.method} ${req.path}`)
      if (req.path !== '/api/v1/configs') return response(req, 200, '{"ok": true}')
      const base = { method: req.method, path: req.path }
      if (probe.kind === 'status') {
        throw new ApiError({ ...base, status: probe.status, serverMessage: 'no' })
      }
      if (probe.kind === 'timeout') {
        throw new ApiError({ ...base, status: undefined, serverMessage: 'timed out after 30 s' })
      }
      if (probe.kind === 'reset') throw new Error('socket hang up')
      return response(req, 200, probe.text)
    }
  }
  return { transport: transport as unknown as Transport, sent }
}

const requests = [
  { method: 'GET', route: '/flows/{namespace}/{id}', params: ['team', 'a'] },
  { method: 'POST', route: '/flows', body: 'id: a' },
  { method: 'PUT', route: '/flows/{namespace}/{id}', params: ['team', 'a'], body: 'id: a' }
] as const

describe('a tenant other than main and the version probe', () => {
  it('is refused on every unusable probe answer, before any other request leaves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...UNUSABLE),
        fc.constantFrom('staging', 'team-a', 'prod_1'),
        fc.constantFrom(...requests),
        async (probe, tenant, request) => {
          const { transport, sent } = server(probe)
          const http = new ScopedHttp(transport, tenant)
          const sending = http.send({ ...request })
          await expect(sending).rejects.toBeInstanceOf(ConfigError)
          await expect(sending).rejects.toThrow(
            new RegExp(
              `^Input 'tenant': the server's version probe \\(GET /api/v1/configs\\) .* not confirmed: Kestra open-source serves any tenant as 'main', so '${tenant}' could be written into 'main'\\. Nothing was read or written as '${tenant}'`
            )
          )
          await expect(http.info()).rejects.toBeInstanceOf(ConfigError)
          expect(sent).toEqual(['GET /api/v1/configs'])
        }
      ),
      { numRuns: runs(120, 40) }
    )
  })

  it.each(UNUSABLE.filter((probe) => probe.kind !== 'timeout' && probe.kind !== 'reset'))(
    'with tenant main, %j leaves the era to the requests, as before',
    async (probe) => {
      const { transport, sent } = server(probe)
      const http = new ScopedHttp(transport, 'main')
      if (probe.kind === 'status' && [401, 403].includes(probe.status)) return
      const answer = await http.send({ method: 'POST', route: '/flows' })
      expect(answer.status).toBe(200)
      expect(sent).toContain('POST /api/v1/main/flows')
    }
  )

  it.each([
    [{ version: '1.3.2', edition: 'EE' }, 'accepted'],
    [{ version: '2.0.0', edition: 'ee' }, 'accepted'],
    [{ version: '1.3.2', edition: 'OSS' }, 'refused'],
    [{ version: '1.3.2' }, 'refused'],
    [{ version: '0.20.7', edition: 'OSS' }, 'refused']
  ] as const)('a usable probe %j: the tenant is %s', async (config, verdict) => {
    const { transport, sent } = server({ kind: 'body', text: JSON.stringify(config) })
    const http = new ScopedHttp(transport, 'staging')
    const sending = http.send({ method: 'POST', route: '/flows' })
    if (verdict === 'accepted') {
      expect((await sending).status).toBe(200)
      expect(sent).toEqual(['GET /api/v1/configs', 'POST /api/v1/staging/flows'])
    } else {
      await expect(sending).rejects.toThrow(/single tenant 'main'/)
      expect(sent).toEqual(['GET /api/v1/configs'])
    }
  })
})
