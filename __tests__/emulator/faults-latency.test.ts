import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, postYaml, upload } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

describe('fault injection', () => {
  it('answers the injected status N times with Retry-After, then behaves normally', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'flows.list', status: 503, retryAfter: 2, times: 2 })
    const url = `${emulator.url}/api/v1/main/flows/team`
    const first = await fetch(url)
    const second = await fetch(url)
    const third = await fetch(url)
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200])
    expect(first.headers.get('retry-after')).toBe('2')
    expect(third.headers.get('retry-after')).toBeNull()
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 503, 200])
  })

  it('matches by method and path and sends a given body', async () => {
    emulator = await startEmulator()
    emulator.inject({
      method: 'GET',
      path: /\/configs$/,
      status: 429,
      body: { message: 'slow down' }
    })
    const configs = await fetch(`${emulator.url}/api/v1/configs`)
    expect(configs.status).toBe(429)
    expect(await json(configs)).toEqual({ message: 'slow down' })
    expect((await fetch(`${emulator.url}/api/v1/configs`)).status).toBe(200)
  })

  it('resets the connection without a response', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'configs', reset: true })
    await expect(fetch(`${emulator.url}/api/v1/configs`)).rejects.toThrow()
    expect((await fetch(`${emulator.url}/api/v1/configs`)).status).toBe(200)
  })

  it('holds a hanging request while later ones are answered', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'configs', hangMs: 300, status: 500 })
    const order: string[] = []
    const hanging = fetch(`${emulator.url}/api/v1/configs`).then((r) =>
      order.push(`hung ${r.status}`)
    )
    await waitFor(() => emulator.requests.length === 1)
    await fetch(`${emulator.url}/api/v1/main/flows/team`).then((r) =>
      order.push(`next ${r.status}`)
    )
    await hanging
    expect(order).toEqual(['next 200', 'hung 500'])
  })

  it('lets close() end a request that hangs forever', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'configs', hangMs: 3_600_000, reset: true })
    const hanging = fetch(`${emulator.url}/api/v1/configs`).catch((error: Error) => error)
    await waitFor(() => emulator.requests.length === 1)
    await emulator.close()
    expect(await hanging).toBeInstanceOf(Error)
  })
})

describe('fault matching and the request log', () => {
  it("narrows a fault by what the request carries: one file's upload, one flow's create", async () => {
    emulator = await startEmulator()
    const files = `${emulator.url}/api/v1/main/namespaces/team/files`
    emulator.inject({
      route: 'namespaces.files.upload',
      where: (request) => request.query.path === '/big.csv',
      status: 413,
      times: 2
    })
    emulator.inject({
      route: 'flows.create',
      where: (request) => request.text?.includes('id: doomed') === true,
      status: 500
    })
    const statuses = [
      (await upload(`${files}?path=/ok.csv`, 'y', 'ok.csv')).status,
      (await upload(`${files}?path=/big.csv`, 'x', 'big.csv')).status,
      (await postYaml(`${emulator.url}/api/v1/main/flows`, flowSource('team', 'fine'))).status,
      (await postYaml(`${emulator.url}/api/v1/main/flows`, flowSource('team', 'doomed'))).status,
      (await upload(`${files}?path=/big.csv`, 'x', 'big.csv')).status
    ]
    expect(statuses).toEqual([200, 413, 200, 500, 413])
    expect(emulator.snapshot().files.map((f) => f.path)).toEqual(['/ok.csv'])
  })

  it('logs route parameters, and the body of a text request only', async () => {
    emulator = await startEmulator()
    const source = flowSource('team', 'a')
    await postYaml(`${emulator.url}/api/v1/main/flows`, source)
    await postYaml(`${emulator.url}/api/v1/main/flows/team/a`, source, 'PUT')
    await fetch(`${emulator.url}/api/v1/main/namespaces/team/kv/marker`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: '{"commit":"abc"}'
    })
    await upload(`${emulator.url}/api/v1/main/namespaces/team/files?path=/a.txt`, 'bytes', 'a.txt')
    expect(emulator.requests.map(({ route, params, text }) => ({ route, params, text }))).toEqual([
      { route: 'flows.create', params: {}, text: source },
      { route: 'flows.update', params: { namespace: 'team', id: 'a' }, text: source },
      { route: 'kv.put', params: { namespace: 'team', key: 'marker' }, text: '{"commit":"abc"}' },
      { route: 'namespaces.files.upload', params: { namespace: 'team' }, text: undefined }
    ])
  })
})

describe('latency', () => {
  it('delays responses without serialising concurrent requests', async () => {
    // Long enough that a busy machine still gets the second request in while the first waits.
    emulator = await startEmulator({ latencyMs: 500 })
    const completed: number[] = []
    await Promise.all(
      [1, 2].map(() =>
        fetch(`${emulator.url}/api/v1/configs`).then(async (r) => {
          await r.arrayBuffer()
          completed.push(Date.now())
        })
      )
    )
    const arrivals = emulator.requests.map((r) => r.at)
    expect(arrivals).toHaveLength(2)
    // Both requests had arrived before either response was sent.
    expect(Math.max(...arrivals)).toBeLessThanOrEqual(Math.min(...completed))
    emulator.setLatency(0)
    expect((await fetch(`${emulator.url}/api/v1/configs`)).status).toBe(200)
  })
})

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(condition()).toBe(true)
}
