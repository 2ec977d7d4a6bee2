import { afterEach, describe, expect, it } from 'vitest'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { json, startTestServer } from './test-server.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A server that answers the era probe, then `answer` for everything else; counts those requests. */
async function server(answer: (res: import('node:http').ServerResponse) => void) {
  const seen: string[] = []
  const started = await startTestServer((req, res) => {
    if (req.url === '/api/v1/configs') return json(res, 200, { version: '1.3.2', edition: 'OSS' })
    seen.push(`${req.method} ${req.url}`)
    answer(res)
  })
  cleanups.push(() => started.close())
  const client: KestraClient = createKestraClient({
    server: started.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 30,
    concurrency: 2,
    retry: { baseDelayMs: 1 }
  })
  cleanups.push(() => client.close())
  return { client, seen }
}

describe('a request bounded by its caller', () => {
  it('an execution start is sent once: a 503 is the caller’s to resolve, not retried', async () => {
    const { client, seen } = await server((res) =>
      json(res, 503, { message: 'Service Unavailable' })
    )
    await expect(
      client.startExecution('team', 'hello', [], { labels: [['kestra-gitops.run', 'r1']] })
    ).rejects.toMatchObject({ status: 503 })
    expect(seen).toEqual(['POST /api/v1/main/executions/team/hello?labels=kestra-gitops.run%3Ar1'])
  })

  it('a read whose answer stalls ends at its deadline, not at timeout-seconds, and is not retried past it', async () => {
    const { client, seen } = await server(() => undefined) // never answers
    const error = await client
      .getExecution('abc', { deadline: Date.now() + 300 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: undefined })
    expect(String((error as Error).message)).toMatch(
      /timed out after 0\.\d+ s, when its deadline came/
    )
    expect(seen).toEqual(['GET /api/v1/main/executions/abc'])
  })

  it('a request whose deadline has passed is not sent', async () => {
    const { client, seen } = await server((res) => json(res, 200, { results: [], total: 0 }))
    const query = { namespace: 'team', flowId: 'hello', labels: [] }
    await expect(client.findExecutions(query, { deadline: Date.now() - 1 })).rejects.toThrow(
      /not sent: its deadline had passed/
    )
    expect(seen).toEqual([])
  })
})
