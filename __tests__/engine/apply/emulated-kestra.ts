/**
 * The Kestra of the deploy and plan unit tests: the emulator in this process (port 0), reached through the
 * real client, so the client's requests are part of what the tests check. A request is named
 * `<route> <resource>`: `flows.create team/a`, `namespaces.files.upload team:/a.py`, `kv.put team/key`.
 * Closed when the test that started it finishes.
 */
import { onTestFinished } from 'vitest'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { flowIdentity } from '../../../src/model/flow-source.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator,
  type Fault,
  type LoggedRequest,
  type Snapshot,
  type StoredFlow
} from '../../../test-support/kestra-emulator/index.js'

export interface EmulatedKestra {
  emulator: Emulator
  client: KestraClient
  snapshot(): Snapshot
  /** The server holds `source` at `revision` (default 1): its history grows to it, as edits would. */
  seedFlow(source: string, revision?: number): void
  /** Someone deletes the flow on the server (a deletion revision). */
  deleteFlow(namespace: string, id: string): void
  seedFile(namespace: string, path: string, content: string | Uint8Array): void
  seedKv(namespace: string, key: string, value: unknown): void
  /** The flow's latest revision, undefined when it is absent or deleted. */
  flow(namespace: string, id: string): StoredFlow | undefined
  file(namespace: string, path: string): Buffer | undefined
  kv(namespace: string, key: string): unknown
  /** Every request since the start or the last `clearLog`, by name, in arrival order. */
  requests(): string[]
  writes(): string[]
  reads(): string[]
  /** The requests the server handled (not those a fault answered), in the order it handled them. */
  handled(): string[]
  clearLog(): void
  /** Runs `change` right before the server handles the first request named `name`. */
  before(name: string, change: () => void): void
  /**
   * Holds the request named `held` until one named `until` was handled, or `limitMs` passed (so that a wrong
   * order fails the test instead of hanging it).
   */
  hold(held: string, until: string, limitMs?: number): void
  /** Answers every request named `name` with the fault (a status, a reset, a hang…). */
  fail(name: string, fault: Omit<Fault, 'where'>): void
  /** Most write requests the server was handling at once (give it latency to see any overlap). */
  maxWritesInFlight(): number
}

export async function startKestra(): Promise<EmulatedKestra> {
  const emulator = await startEmulator()
  const client = createKestraClient({
    server: emulator.url,
    tenant: 'main',
    auth: { kind: 'none' },
    timeoutSeconds: 10,
    // Above every test's deploy concurrency, so that the deploy's own bound is the one observed.
    concurrency: 16,
    // Retries stay on, without waiting between attempts.
    retry: { baseDelayMs: 0 }
  })
  onTestFinished(async () => {
    await client.close()
    await emulator.close()
  })
  // A run probes the server's version first; the tests look at what comes after.
  await client.info()
  emulator.clearLog()

  const pending: { name: string; run: () => void }[] = []
  const handled: string[] = []
  let mostWrites = 0
  emulator.onRequest((request) => {
    const writing = emulator.requests.filter((r) => r.status === 0 && isWrite(r)).length
    mostWrites = Math.max(mostWrites, writing)
    const name = requestName(request)
    handled.push(name)
    const due = pending.filter((action) => action.name === name)
    for (const action of due) pending.splice(pending.indexOf(action), 1)
    for (const action of due) action.run()
  })
  const named = (filter: (request: LoggedRequest) => boolean) =>
    emulator.requests.filter(filter).map(requestName)
  const latest = (namespace: string, id: string) => emulator.flowRevisions(namespace, id).at(-1)

  return {
    emulator,
    client,
    snapshot: () => emulator.snapshot(),
    seedFlow(source, revision = 1) {
      const { namespace, id } = identity(source)
      const revisions = revision - (latest(namespace, id)?.revision ?? 0)
      if (revisions < 1) throw new Error(`${namespace}/${id} is already past revision ${revision}`)
      emulator.seed({ flows: [{ namespace, id, source, revisions }] })
    },
    deleteFlow(namespace, id) {
      const source = latest(namespace, id)?.source
      if (source === undefined) throw new Error(`no flow ${namespace}/${id} to delete`)
      emulator.seed({ flows: [{ namespace, id, source, deleted: true }] })
    },
    seedFile: (namespace, path, content) =>
      emulator.seed({ files: [{ namespace, path, content }] }),
    seedKv: (namespace, key, value) => emulator.seed({ kv: [{ namespace, key, value }] }),
    flow(namespace, id) {
      const flow = latest(namespace, id)
      return flow?.deleted === false ? flow : undefined
    },
    file: (namespace, path) =>
      emulator.snapshot().files.find((f) => f.namespace === namespace && f.path === path)?.bytes,
    kv: (namespace, key) =>
      emulator.snapshot().kv.find((e) => e.namespace === namespace && e.key === key)?.value,
    requests: () => named(() => true),
    writes: () => named(isWrite),
    reads: () => named((request) => !isWrite(request)),
    handled: () => [...handled],
    clearLog() {
      emulator.clearLog()
      handled.length = 0
    },
    before(name, change) {
      pending.push({ name, run: change })
    },
    hold(held, until, limitMs = 2000) {
      let release = () => {}
      const released = new Promise<void>((resolve) => (release = resolve))
      const limit = setTimeout(release, limitMs)
      onTestFinished(() => clearTimeout(limit))
      pending.push({ name: until, run: release })
      emulator.inject({ where: (request) => requestName(request) === held, holdUntil: released })
    },
    fail(name, fault) {
      emulator.inject({
        times: Number.POSITIVE_INFINITY,
        ...fault,
        where: (request) => requestName(request) === name
      })
    },
    maxWritesInFlight: () => mostWrites
  }
}

export function requestName(request: LoggedRequest): string {
  const { namespace, id, key } = request.params
  const { path } = request.query
  const created = request.route === 'flows.create' ? flowIdentity(request.text ?? '') : undefined
  const target = created
    ? `${created.namespace}/${created.id}`
    : typeof path === 'string' && request.route.startsWith('namespaces.files.')
      ? `${namespace}:${path}`
      : key !== undefined || id !== undefined
        ? `${namespace}/${key ?? id}`
        : (namespace ?? request.path)
  return `${request.route} ${target}`
}

function isWrite(request: LoggedRequest): boolean {
  return WRITE_ROUTES.includes(request.route)
}

function identity(source: string): { namespace: string; id: string } {
  const found = flowIdentity(source)
  if (!found) throw new Error(`test flow without id/namespace:\n${source}`)
  return found
}
