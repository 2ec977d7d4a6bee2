import { MAX_BATCH } from '../../../src/adapters/kestra/validate.js'
import { strToU8, zipSync } from 'fflate'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import type { RetryInfo } from '../../../src/adapters/kestra/transport.js'
import { startEmulator } from '../../../test-support/kestra-emulator/index.js'
import type { Emulator, EmulatorOptions } from '../../../test-support/kestra-emulator/types.js'
import { contractSuite, flowSource } from './contract-suite.js'
import { realKestra, targetFor, uniqueNamespace, type Target } from './contract-target.js'

const USER = { username: 'admin@kestra.io', password: 'Secret-Pass1' }
const TOKEN = 'tok-0123456789'
const BASIC_B64 = Buffer.from(`${USER.username}:${USER.password}`).toString('base64')

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function emulatorTarget(emulator: () => Emulator, tenantScoped: boolean): Target {
  let target: Target | undefined
  return new Proxy({} as Target, {
    get(_, key: keyof Target) {
      target ??= targetFor({
        label: 'emulator',
        server: emulator().url,
        tenant: 'main',
        auth: { kind: 'basic', ...USER },
        tenantScoped,
        trackClose: (close) => closers.push(close)
      })
      return target[key]
    }
  })
}

async function emulatorFor(options: EmulatorOptions): Promise<Emulator> {
  return startEmulator({ basicAuth: USER, tokens: [TOKEN], ...options })
}

for (const [version, tenantScoped] of [
  ['0.20.7', false],
  ['1.3.2', true]
] as const) {
  describe(`Kestra client against the emulator (${version})`, () => {
    let emulator: Emulator
    beforeAll(async () => {
      emulator = await emulatorFor({ version })
    })
    afterAll(() => emulator.close())
    afterEach(() => emulator.clearLog())
    const target = emulatorTarget(() => emulator, tenantScoped)

    contractSuite(() => target)

    it(`uses the ${tenantScoped ? '/api/v1/main' : '/api/v1'} prefix`, async () => {
      await target.client().getFlow('era.check', 'x')
      const paths = emulator.requests.map((r) => `${r.method} ${r.path}`)
      // The read leaves on the tenant prefix while the probe is out (either may arrive first); a legacy server
      // has it asked again.
      expect([...paths.slice(0, 2).sort(), ...paths.slice(2)]).toEqual([
        'GET /api/v1/configs',
        'GET /api/v1/main/flows/era.check/x',
        ...(tenantScoped ? [] : ['GET /api/v1/flows/era.check/x'])
      ])
      expect(emulator.requests.every((r) => r.authorization === 'basic')).toBe(true)
    })

    it('falls back to the other prefix when the probe fails, and remembers it', async () => {
      emulator.inject({ route: 'configs', status: 500, times: 4 })
      const client = target.client()
      expect(await client.listFlows('era.fallback')).toEqual([])
      expect(await client.getFlow('era.fallback', 'x')).toBeUndefined()
      const paths = emulator.requests.filter((r) => r.route !== 'configs').map((r) => r.path)
      expect(paths).toEqual(
        tenantScoped
          ? ['/api/v1/main/flows/era.fallback', '/api/v1/main/flows/era.fallback/x']
          : [
              '/api/v1/main/flows/era.fallback',
              '/api/v1/flows/era.fallback',
              '/api/v1/flows/era.fallback/x'
            ]
      )
      expect((await client.info()).tenantScoped).toBe(tenantScoped)
    })
  })
}

describe('Kestra client against the emulator: failures and retries', () => {
  let emulator: Emulator
  let target: Target
  beforeAll(async () => {
    emulator = await emulatorFor({ version: '1.3.2' })
    target = emulatorTarget(() => emulator, true)
  })
  afterAll(() => emulator.close())
  afterEach(() => emulator.clearLog())

  function recordingClient(extra: Parameters<Target['client']>[0] = {}) {
    const retries: RetryInfo[] = []
    const client = target.client({ onRetry: (info) => retries.push(info), ...extra })
    return { client, retries }
  }

  it('accepts a bearer token', async () => {
    const client = targetFor({
      label: 'bearer',
      server: emulator.url,
      tenant: 'main',
      auth: { kind: 'bearer', token: TOKEN },
      trackClose: (close) => closers.push(close)
    }).client()
    expect(await client.getFlow('auth.check', 'x')).toBeUndefined()
    expect(emulator.requests.map((r) => r.authorization)).toEqual(['bearer', 'bearer'])
  })

  it('fails at once on 401 with what to check and no credential', async () => {
    const client = targetFor({
      label: 'wrong password',
      server: emulator.url,
      tenant: 'main',
      auth: { kind: 'basic', username: USER.username, password: 'Wrong-Pass9' },
      trackClose: (close) => closers.push(close)
    }).client()
    const error = (await client.listFlows('auth.check').catch((e: unknown) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(401)
    expect(error.message).toContain('Kestra answered 401 to GET /api/v1/configs')
    expect(error.message).toContain('check the username/password or api-token inputs')
    for (const secret of [
      'Wrong-Pass9',
      Buffer.from(`${USER.username}:Wrong-Pass9`).toString('base64'),
      BASIC_B64
    ]) {
      expect(error.message).not.toContain(secret)
      expect(JSON.stringify(error)).not.toContain(secret)
    }
    // The probe, and the read that left while it was out: neither retried.
    expect(emulator.requests.map((r) => r.route).sort()).toEqual(['configs', 'flows.list'])
  })

  it('explains a 403', async () => {
    const { client } = recordingClient()
    emulator.inject({ route: 'flows.list', status: 403 })
    const error = (await client.listFlows('rbac.check').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(403)
    expect(error.message).toContain('the credentials lack permission for this namespace/tenant')
    expect(emulator.requests.filter((r) => r.route === 'flows.list')).toHaveLength(1)
  })

  it('retries 503 twice then succeeds', async () => {
    const { client, retries } = recordingClient()
    await client.info()
    emulator.inject({ route: 'flows.list', status: 503, times: 2 })
    expect(await client.listFlows('retry.check')).toEqual([])
    expect(retries.map((r) => [r.method, r.path, r.attempt, r.reason])).toEqual([
      ['GET', '/api/v1/main/flows/retry.check', 1, 'HTTP 503'],
      ['GET', '/api/v1/main/flows/retry.check', 2, 'HTTP 503']
    ])
  })

  it('asks once when the server cannot do it at all: 501, 505 and 405 are not retried', async () => {
    const { client, retries } = recordingClient()
    await client.info()
    for (const status of [501, 505, 405]) {
      emulator.clearLog()
      emulator.inject({ route: 'flows.list', status, body: { message: 'no' } })
      const error = (await client.listFlows('retry.check').catch((e: unknown) => e)) as ApiError
      expect(error.status).toBe(status)
      expect(emulator.requests.filter((r) => r.route === 'flows.list')).toHaveLength(1)
    }
    expect(retries).toEqual([])
  })

  it('honours Retry-After on 429', async () => {
    const { client, retries } = recordingClient()
    emulator.inject({ route: 'kv.get', status: 429, retryAfter: 1 })
    expect(await client.getKv('retry.check', 'k')).toBeUndefined()
    expect(retries.map((r) => [r.reason, r.delayMs])).toEqual([['HTTP 429', 1000]])
  })

  it('retries a connection reset and resends the body', async () => {
    const { client, retries } = recordingClient()
    const ns = uniqueNamespace()
    emulator.inject({ route: 'kv.put', reset: true })
    await client.putKv(ns, 'k', { deployed: 'abc' })
    expect(retries).toHaveLength(1)
    expect(retries[0]!.reason).toMatch(/ECONNRESET|UND_ERR_SOCKET|socket hang up/)
    expect(await client.getKv(ns, 'k')).toEqual({ deployed: 'abc' })
  })

  it('gives up after 4 attempts with the last status', async () => {
    const { client, retries } = recordingClient()
    emulator.inject({
      route: 'flows.get',
      status: 502,
      times: 4,
      body: { message: 'upstream down' }
    })
    const error = (await client.getFlow('retry.check', 'x').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(502)
    expect(error.message).toBe(
      'Kestra answered 502 to GET /api/v1/main/flows/retry.check/x?source=true: upstream down'
    )
    expect(retries).toHaveLength(3)
    expect(emulator.requests.filter((r) => r.route === 'flows.get')).toHaveLength(4)
  })

  it('does not retry a 422 and carries the server message', async () => {
    const { client, retries } = recordingClient()
    const ns = uniqueNamespace()
    const error = (await client
      .createFlow(`id: bad id\nnamespace: ${ns}\ntasks: []\n`)
      .catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(422)
    expect(error.serverMessage).toMatch(/^Invalid entity: /)
    expect(error.message).toContain(
      `Kestra answered 422 to POST /api/v1/main/flows: ${error.serverMessage}`
    )
    expect(retries).toEqual([])
  })

  it('accepts "already exists" after a retried create when the stored source is the one sent', async () => {
    const ns = uniqueNamespace()
    const source = flowSource(ns, 'retried')
    emulator.seed({ flows: [{ namespace: ns, id: 'retried', source }] })
    emulator.inject({ route: 'flows.create', status: 503 })
    const { client, retries } = recordingClient()
    expect(await client.createFlow(source)).toEqual({
      namespace: ns,
      id: 'retried',
      revision: 1,
      source,
      updated: expect.any(String)
    })
    expect(retries).toHaveLength(1)

    emulator.inject({ route: 'flows.create', status: 503 })
    const other = await client
      .createFlow(flowSource(ns, 'retried', 'different'))
      .catch((e: unknown) => e)
    expect(other).toMatchObject({ status: 422 })
  })

  it('accepts a 404 on a retried delete', async () => {
    const ns = uniqueNamespace()
    emulator.seed({ flows: [{ namespace: ns, id: 'gone', source: flowSource(ns, 'gone') }] })
    const { client } = recordingClient()
    await client.info()
    emulator.inject({ route: 'flows.delete', reset: true })
    // The reset happens before the emulator handles the request, so the retry deletes it.
    await client.deleteFlow(ns, 'gone')
    expect(await client.getFlow(ns, 'gone')).toBeUndefined()
  })

  it('never lets Kestra extract an uploaded .zip', async () => {
    const ns = uniqueNamespace()
    const archive = zipSync({ 'a.txt': strToU8('a'), '_flows/f.yml': strToU8(flowSource(ns, 'f')) })
    await target.client().uploadFile(ns, '/archive.ZIP', archive)
    const upload = emulator.requests.find((r) => r.route === 'namespaces.files.upload')!
    expect(upload.partFilename).toBe('archive.ZIP.upload')
    expect(upload.query).toEqual({ path: '/archive.ZIP' })
    const stored = emulator.snapshot().files.filter((f) => f.namespace === ns)
    expect(stored.map((f) => f.path)).toEqual(['/archive.ZIP'])
    expect(Buffer.compare(stored[0]!.bytes, Buffer.from(archive))).toBe(0)
    expect(emulator.snapshot().flows.filter((f) => f.namespace === ns)).toEqual([])
  })

  it('validates one and a half batches of flows in 2 requests, answers in order', async () => {
    const ns = uniqueNamespace()
    const sources = Array.from({ length: MAX_BATCH * 1.5 }, (_, i) =>
      i % 50 === 7
        ? flowSource(ns, `f${i}`).replace('core.log.Log', 'core.log.MissingTask')
        : flowSource(ns, `f${i}`)
    )
    const results = await target.client().validateFlows(sources)
    expect(emulator.requests.filter((r) => r.route === 'flows.validate')).toHaveLength(2)
    expect(results.map((r) => r.index)).toEqual(sources.map((_, i) => i))
    const refused = sources.flatMap((_, i) => (i % 50 === 7 ? [i] : []))
    expect(results.flatMap((r) => (r.errors.length ? [r.index] : []))).toEqual(refused)
    expect(results[refused.at(-1)!]!.errors[0]!.message).toContain('MissingTask')
  })

  it('sends alone a source the server would split at its --- line', async () => {
    const ns = uniqueNamespace()
    const sources = [flowSource(ns, 'a'), `---\n${flowSource(ns, 'b')}`, flowSource(ns, 'c')]
    const results = await target.client().validateFlows(sources)
    expect(emulator.requests.filter((r) => r.route === 'flows.validate')).toHaveLength(2)
    expect(results.map((r) => [r.index, r.errors])).toEqual([
      [0, []],
      [1, []],
      [2, []]
    ])
  })

  it('bounds requests in flight by concurrency', async () => {
    emulator.setLatency(40)
    try {
      const client = target.client({ concurrency: 3 })
      await client.info()
      emulator.clearLog()
      await Promise.all(Array.from({ length: 9 }, (_, i) => client.getFlow('bound.check', `f${i}`)))
      const arrivals = emulator.requests.map((r) => r.at).sort((a, b) => a - b)
      expect(arrivals).toHaveLength(9)
      // Request k+3 can only start after request k finished, i.e. ≥ 40 ms after it arrived.
      for (let i = 0; i + 3 < arrivals.length; i++) {
        expect(arrivals[i + 3]! - arrivals[i]!).toBeGreaterThanOrEqual(35)
      }
    } finally {
      emulator.setLatency(0)
    }
  })
})

describe('Kestra client against the emulator: older servers and 2.0 formats', () => {
  let emulator: Emulator
  afterEach(() => emulator.close())

  it('falls back to per-item reads when the export endpoints are missing', async () => {
    emulator = await emulatorFor({
      version: '1.3.2',
      missingEndpoints: ['flows.export.by-ids', 'namespaces.files.export']
    })
    const ns = uniqueNamespace()
    emulator.seed({
      flows: [
        { namespace: ns, id: 'a', source: flowSource(ns, 'a'), revisions: 3 },
        { namespace: ns, id: 'b', source: flowSource(ns, 'b') }
      ],
      files: [
        { namespace: ns, path: '/top.txt', content: 'top' },
        { namespace: ns, path: '/dir/sub/deep.bin', content: new Uint8Array([0, 1, 2]) }
      ]
    })
    const client = emulatorTarget(() => emulator, true).client()
    expect(await client.listFlows(ns)).toEqual([
      {
        namespace: ns,
        id: 'a',
        revision: 3,
        source: flowSource(ns, 'a'),
        updated: expect.any(String)
      },
      {
        namespace: ns,
        id: 'b',
        revision: 1,
        source: flowSource(ns, 'b'),
        updated: expect.any(String)
      }
    ])
    const files = await client.listFiles(ns)
    expect(files.map((f) => [f.path, [...f.bytes()]])).toEqual([
      ['/dir/sub/deep.bin', [0, 1, 2]],
      ['/top.txt', [...strToU8('top')]]
    ])
    // The file export is asked once, then remembered. A flow export 404 may be a flow deleted since the
    // listing (the whole request fails then): each namespace read lists and exports again once.
    await client.listFlows(ns)
    await client.listFiles(ns)
    const routes = emulator.requests.map((r) => r.route)
    expect(routes.filter((r) => r === 'flows.export.by-ids')).toHaveLength(4)
    expect(routes.filter((r) => r === 'flows.list')).toHaveLength(4)
    expect(routes.filter((r) => r === 'namespaces.files.export')).toHaveLength(1)
    // The re-read before a deploy's writes: revisions only, from the listing.
    emulator.clearLog()
    expect(await client.flowRevisions(ns)).toEqual(
      new Map([
        ['a', 3],
        ['b', 1]
      ])
    )
    expect(emulator.requests.map((r) => r.route)).toEqual(['flows.list'])
  })

  it('reads 2.0 validation errors and problem+json bodies', async () => {
    emulator = await emulatorFor({ version: '1.3.2', validateErrorsList: true, problemJson: true })
    const ns = uniqueNamespace()
    const client = emulatorTarget(() => emulator, true).client()
    const [result] = await client.validateFlows([
      flowSource(ns, 'bad').replace('core.log.Log', 'core.log.InvalidTask')
    ])
    expect(result!.errors.length).toBeGreaterThan(0)
    expect(result!.errors.some((e) => e.pointer?.startsWith('/') && e.path)).toBe(true)

    await client.createFlow(flowSource(ns, 'dup'))
    const error = (await client
      .createFlow(flowSource(ns, 'dup'))
      .catch((e: unknown) => e)) as ApiError
    expect(error.status).toBeGreaterThanOrEqual(409)
    expect(error.serverMessage).not.toBe('')
    expect(error.message).toContain(error.serverMessage)
  })
})

const real = realKestra()
describe.runIf(real !== undefined)(
  'Kestra client against a real Kestra (KGA_CONTRACT_KESTRA_URL)',
  () => {
    const target = targetFor({
      label: 'real',
      ...real!,
      trackClose: (close) => closers.push(close)
    })
    contractSuite(() => target)
  }
)
