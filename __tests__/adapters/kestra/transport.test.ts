import { connect } from 'node:net'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import { createDispatcher } from '../../../src/adapters/kestra/transport.js'
import { credentialsFrom } from '../../../src/report/redact/credentials.js'
import { OutputEdge } from '../../../src/report/output-edge.js'
import { json, startTestServer, type TestServer } from './test-server.js'
import { runs } from '../../../test-support/property-runs.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...args)
  cleanups.push(() => server.close())
  return server
}

function client(
  options: Partial<Parameters<typeof createKestraClient>[0]> & { server: string }
): KestraClient {
  const created = createKestraClient({
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 5,
    concurrency: 4,
    retry: { baseDelayMs: 1 },
    ...options
  })
  cleanups.push(() => created.close())
  return created
}

describe('transport', () => {
  it('reads an answer that comes in many pieces, with and without a length', async () => {
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251))
    const server = await serve(async (req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2', edition: 'OSS' })
      const announced = req.url!.includes('sized')
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        ...(announced ? { 'content-length': String(content.length) } : {})
      })
      for (let at = 0; at < content.length; at += 70_000) {
        res.write(content.subarray(at, at + 70_000))
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      res.end()
    })
    const kestra = client({ server: server.url })
    for (const path of ['/sized.bin', '/chunked.bin']) {
      const bytes = await kestra.getFile('team', path)
      expect(bytes && Buffer.from(bytes).equals(content)).toBe(true)
    }
  })

  it('does not trust an announced length with memory: a false one fails the request, not the action', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2', edition: 'OSS' })
      res.writeHead(200, { 'content-length': String(50 * 1024 ** 3) })
      res.end('short')
      req.socket.destroy()
    })
    const error = await client({ server: server.url })
      .getFile('team', '/huge.bin')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toMatch(/did not answer .*huge\.bin: other side closed/)
  })

  it('never has more than `concurrency` requests in flight', async () => {
    let inFlight = 0
    let most = 0
    const held: (() => void)[] = []
    const answerHeld = () => held.splice(0).forEach((answer) => answer())
    const server = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2', edition: 'OSS' })
      inFlight++
      most = Math.max(most, inFlight)
      held.push(() => {
        inFlight--
        res.end('x')
      })
      // Answers wait for a full house (a fourth request would show), or a second on a slow machine.
      if (inFlight >= 3) setTimeout(answerHeld, 20)
      else setTimeout(answerHeld, 1000)
    })
    const kestra = client({ server: server.url, concurrency: 3 })
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => kestra.getFile('ns', `/f${i}`))
    )
    expect(results.map((r) => new TextDecoder().decode(r))).toEqual(Array(12).fill('x'))
    expect(most).toBe(3)
  })

  it('retries a request that timed out and resends its body', async () => {
    const bodies: string[] = []
    const server = await serve((req, res, body) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2' })
      bodies.push(body.toString())
      if (bodies.length === 1) return // never answers: the client times out
      res.end()
    })
    const retries: string[] = []
    const kestra = client({
      server: server.url,
      timeoutSeconds: 0.3,
      onRetry: (info) => retries.push(info.reason)
    })
    await kestra.putKv('ns', 'key', { a: 1 })
    expect(bodies).toEqual(['{"a":1}', '{"a":1}'])
    expect(retries).toEqual(['timeout'])
  })

  it('times out an answer that keeps trickling, as one that never starts, and retries it', async () => {
    const timers: NodeJS.Timeout[] = []
    let attempts = 0
    const server = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2' })
      attempts++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('[')
      timers.push(setInterval(() => res.write(' '), 50))
    })
    cleanups.push(async () => timers.forEach(clearInterval))
    const retries: string[] = []
    const kestra = client({
      server: server.url,
      timeoutSeconds: 0.3,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      onRetry: (info) => retries.push(info.reason)
    })
    const error = await kestra.flowRevisions('team').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toMatch(
      /^Kestra did not answer GET \/api\/v1\/main\/flows\/team: timed out after 0\.3 s/
    )
    expect(attempts).toBe(2)
    expect(retries).toEqual(['timeout'])
  })

  it('keeps what the server says as it said it: only the output edge redacts it', async () => {
    const auth = { kind: 'basic' as const, username: 'me@x.io', password: 'S3cret pass/+=' }
    const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
    const forms = [
      auth.password,
      encodeURIComponent(auth.password),
      basic,
      encodeURIComponent(basic),
      Buffer.from(auth.password).toString('base64')
    ]
    const server = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2' })
      json(res, 422, {
        message: `Invalid entity: you sent ${forms.join(' and ')}`,
        _embedded: { errors: [{ path: 'flow.id', message: `Basic ${basic} rejected` }] }
      })
    })
    const kestra = client({ server: server.url, auth })
    const error = (await kestra.createFlow('id: a').catch((e: unknown) => e)) as ApiError
    expect(error.message).toMatch(/^Kestra answered 422 to POST \/api\/v1\/main\/flows: Invalid/)
    expect(error.serverMessage).toContain(`Invalid entity: you sent ${forms.join(' and ')}`)
    const edge = new OutputEdge(credentialsFrom([['password', auth.password]], auth))
    const shown = edge.text(JSON.stringify([error.message, error.serverMessage, error.violations]))
    for (const form of forms) expect(shown).not.toContain(form)
    expect(shown).toContain('you sent *** and ***')
  })

  it('reports an unreachable server without retrying and without credentials', async () => {
    const server = await serve(() => undefined)
    await server.close()
    const kestra = client({
      server: server.url,
      auth: { kind: 'basic', username: 'me@x.io', password: 'S3cret-pass' }
    })
    const error = await kestra.getFlow('ns', 'id').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBeUndefined()
    expect((error as ApiError).message).toMatch(
      /^Kestra did not answer GET \/api\/v1\/configs: .*ECONNREFUSED/
    )
    expect((error as ApiError).message).not.toContain('S3cret')
    // The read left once while the probe was out; neither was retried.
    expect(kestra.requestCount()).toEqual({ 'GET /configs': 1, 'GET /flows/{namespace}/{id}': 1 })
  })

  it('goes through HTTP(S)_PROXY but never for loopback', async () => {
    const target = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2' })
      json(res, 200, { type: 'STRING', value: `via ${req.headers.host}` })
    })
    const tunnelled: string[] = []
    const proxy = await startTestServer((_req, res) => {
      res.writeHead(500)
      res.end()
    })
    cleanups.push(() => proxy.close())
    proxy.server.on('connect', (req, socket, head) => {
      tunnelled.push(req.url ?? '')
      const upstream = connect(target.port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
    })
    const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }

    const direct = client({ server: target.url, dispatcher: createDispatcher(2, env) })
    expect(await direct.getKv('ns', 'k')).toBe(`via 127.0.0.1:${target.port}`)
    expect(tunnelled).toEqual([])

    const proxied = client({
      server: 'http://kestra.example.test',
      dispatcher: createDispatcher(2, env)
    })
    expect(await proxied.getKv('ns', 'k')).toBe('via kestra.example.test')
    expect(tunnelled).toContain('kestra.example.test:80')
  })
})

describe('a write whose answer was lost', () => {
  // Each attempt's answer, in order: a status, or a reset connection ('reset').
  const ANSWERS = fc.array(
    fc.constantFrom<number | 'reset'>(200, 204, 403, 404, 422, 429, 500, 502, 503, 'reset'),
    {
      minLength: 1,
      maxLength: 4
    }
  )

  it('is unknown exactly when a write fails after an attempt went unanswered or answered 5xx/429', async () => {
    let script: (number | 'reset')[] = []
    const server = await serve((req, res) => {
      if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2', edition: 'OSS' })
      const next = script.shift() ?? 500
      if (next === 'reset') return void req.socket.destroy()
      json(res, next, next < 400 ? {} : { message: 'refused' })
    })
    const kestra = client({ server: server.url })
    await kestra.info()
    await fc.assert(
      fc.asyncProperty(
        ANSWERS,
        fc.constantFrom('write', 'read', 'validate'),
        async (answers, kind) => {
          script = [...answers]
          const sent =
            kind === 'write'
              ? kestra.putKv('team', 'key', 1)
              : kind === 'read'
                ? kestra.getKv('team', 'key')
                : kestra.validateDashboard('id: a\n')
          const error = await sent.then(
            () => undefined,
            (failure: unknown) => failure
          )
          const sentAnswers = answers.slice(0, answers.length - script.length)
          const lost = sentAnswers.some((a) => a === 'reset' || a === 429 || a >= 500)
          if (error === undefined) return
          expect(error).toBeInstanceOf(ApiError)
          expect((error as ApiError).outcomeUnknown).toBe(kind === 'write' && lost)
          expect((error as ApiError).message.includes('may or may not have applied')).toBe(
            kind === 'write' && lost
          )
        }
      ),
      { numRuns: runs(150, 40) }
    )
  })
})
