import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createKestraClient, type KestraClient } from '../../src/adapters/kestra/client.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { flowSource, json } from './http.js'

let emulator: Emulator
let client: KestraClient | undefined
afterEach(async () => {
  await client?.close()
  await emulator.close()
})

const NS = 'team'
const WITH_INPUT = `${flowSource(NS, 'greeter')}inputs:\n  - id: who\n    type: STRING\n  - id: polite\n    type: BOOLEAN\n    defaults: true\n`

async function start(version = '1.3.2'): Promise<KestraClient> {
  emulator = await startEmulator({ version })
  emulator.seed({
    flows: [
      { namespace: NS, id: 'greeter', source: WITH_INPUT },
      { namespace: NS, id: 'off', source: `${flowSource(NS, 'off')}disabled: true\n` }
    ]
  })
  client = createKestraClient({
    server: emulator.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 5,
    concurrency: 2,
    retry: { maxAttempts: 1 }
  })
  return client
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('executions (docs/kestra.md#executions)', () => {
  it('starts with multipart inputs, answers 404 until recorded, then runs to the scripted state', async () => {
    const api = await start()
    emulator.scriptExecutions(NS, 'greeter', {
      state: 'WARNING',
      durationMs: 1_200,
      recordDelayMs: 1_000
    })
    // The emulator's clock (Date) moves only when the test moves it: 100 ms between two reads.
    vi.useFakeTimers({ toFake: ['Date'] })
    onTestFinished(() => {
      vi.useRealTimers()
    })
    const started = await api.startExecution(
      NS,
      'greeter',
      [
        ['who', 'Ada'],
        ['unknown', 'ignored']
      ],
      { labels: [] }
    )
    expect(started).toMatchObject({ namespace: NS, flowId: 'greeter', state: 'CREATED' })
    expect(await api.getExecution(started.id)).toBeUndefined()
    expect(emulator.executions()[0]!.inputs).toEqual({ who: 'Ada' })
    let done = await api.getExecution(started.id)
    while (done?.state !== 'WARNING') {
      vi.setSystemTime(Date.now() + 100)
      done = await api.getExecution(started.id)
    }
    expect(done).toMatchObject({ id: started.id, state: 'WARNING' })
    expect(Date.parse(done!.endDate!)).toBeGreaterThan(Date.parse(done!.startDate!))
  })

  it('refuses a missing flow (404), a disabled one (409) and a missing required input (422)', async () => {
    const api = await start()
    await expect(api.startExecution(NS, 'nope', [], { labels: [] })).rejects.toMatchObject({
      status: 404,
      serverMessage: 'Not Found: Requested Flow is not found.'
    })
    await expect(api.startExecution(NS, 'off', [], { labels: [] })).rejects.toMatchObject({
      status: 409,
      serverMessage: 'Illegal state: Requested Flow is disabled.'
    })
    await expect(api.startExecution(NS, 'greeter', [], { labels: [] })).rejects.toMatchObject({
      status: 422,
      serverMessage: 'Invalid entity: Missing required input:who'
    })
  })

  it('kills a running execution (202, KILLING then KILLED); a finished one is 202, or 409 without cascade', async () => {
    const api = await start()
    emulator.scriptExecutions(NS, 'greeter', { durationMs: 60_000, recordDelayMs: 0 })
    const running = await api.startExecution(NS, 'greeter', [['who', 'x']], { labels: [] })
    const P = `${emulator.url}/api/v1/main/executions`
    const kill = (id: string, cascade = 'true') =>
      fetch(`${P}/${id}/kill?isOnKillCascade=${cascade}`, { method: 'DELETE' })
    expect((await kill('unknown')).status).toBe(404)
    // Killed once running: however quick the machine, the history then holds RUNNING.
    await expect
      .poll(async () => (await api.getExecution(running.id))?.state, {
        interval: 5,
        timeout: 5_000
      })
      .toBe('RUNNING')
    expect((await kill(running.id)).status).toBe(202)
    await sleep(40)
    const killed = await json<{ state: { current: string; histories: { state: string }[] } }>(
      await fetch(`${P}/${running.id}`)
    )
    expect(killed.state.histories.map((h) => h.state)).toEqual([
      'CREATED',
      'RUNNING',
      'KILLING',
      'KILLED'
    ])
    expect((await kill(running.id)).status).toBe(202)
    expect((await kill(running.id, 'false')).status).toBe(409)
  })

  it('has no execution start route before 0.15', async () => {
    const api = await start('0.14.4')
    await expect(
      api.startExecution(NS, 'greeter', [['who', 'x']], { labels: [] })
    ).rejects.toMatchObject({
      status: 404
    })
  })
})
