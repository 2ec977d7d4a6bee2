import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'

export interface TestServer {
  url: string
  port: number
  close(): Promise<void>
}

/** A bare HTTP server on 127.0.0.1 for transport tests that need no Kestra semantics. */
export async function startTestServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>
): Promise<TestServer & { server: ReturnType<typeof createServer> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => void handler(req, res, Buffer.concat(chunks)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/**
 * An emulator of `version` (open source unless `edition` says) and a client of it, its era already probed;
 * `close` ends both. Seeded flows are parsed and validated as requests need them (`warmSeeds: false`): a test
 * reads few of those it seeds.
 */
export async function emulatedClient(
  version: string,
  edition: 'OSS' | 'EE' = 'OSS'
): Promise<{ emulator: Emulator; client: KestraClient; close(): Promise<void> }> {
  const emulator = await startEmulator({ version, edition, warmSeeds: false })
  const client = createKestraClient({
    server: emulator.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 10,
    concurrency: 4,
    retry: { baseDelayMs: 1 }
  })
  await client.info()
  return {
    emulator,
    client,
    close: async () => {
      await client.close()
      await emulator.close()
    }
  }
}

/** One emulator of `version` and its client for every test of a file: started before them, closed after. */
export function emulatedClientPerFile(version: string): {
  emulator: Emulator
  client: KestraClient
} {
  const held = {} as { emulator: Emulator; client: KestraClient }
  let close: () => Promise<void> = () => Promise.resolve()
  beforeAll(async () => {
    const started = await emulatedClient(version)
    Object.assign(held, { emulator: started.emulator, client: started.client })
    close = started.close
  })
  afterAll(() => close())
  return held
}
