/** A small in-memory KestraApi for deploy tests: flows with revisions, files, KV; records every write. */
import type { KestraApi, RemoteFile, RemoteFlow } from '../../src/kestra/api.js'
import { ApiError } from '../../src/kestra/errors.js'
import type { Snapshot } from '../../test-support/kestra-emulator/index.js'

export { flowSource } from './plan-for.js'

export class FakeKestra implements KestraApi {
  readonly flows = new Map<string, RemoteFlow>()
  readonly files = new Map<string, Uint8Array>()
  readonly kv = new Map<string, unknown>()
  /** Every write request, in the order it was sent: `createFlow ns/id`, `uploadFile ns:/p`, `putKv ns/key`… */
  readonly writes: string[] = []
  /** Every read request: `listFlows ns`, `flowRevisions ns`, `getFlow ns/id`, `getFile ns:/p`, `getKv ns/key`… */
  readonly reads: string[] = []
  /** Writes to these resources (`flow:ns/id`, `file:ns:/path`, `kv:ns/key`) throw the error, every time; KV reads too. */
  readonly failures = new Map<string, Error>()
  /** Runs right before the write of a resource reaches the store (to change the server mid-deploy). */
  beforeWrite?: (resource: string) => void
  /** Awaited before a write reaches the store (to hold one write back until something else happened). */
  gate?: (resource: string) => Promise<void>
  /** Most writes in flight at once. */
  maxInFlight = 0
  private inFlight = 0
  private readonly lastRevision = new Map<string, number>()

  seedFlow(source: string, revisions = 1): RemoteFlow {
    const { namespace, id } = identity(source)
    this.lastRevision.set(`${namespace}/${id}`, revisions)
    const flow = { namespace, id, source, revision: revisions }
    this.flows.set(`${namespace}/${id}`, flow)
    return flow
  }

  seedFile(namespace: string, path: string, content: string | Uint8Array): void {
    this.files.set(`${namespace}:${path}`, bytes(content))
  }

  /** What it holds, as the emulator describes its state (for planFor). */
  snapshot(): Snapshot {
    const flows = [...this.flows.values()].map((f) => ({ ...f, tenant: 'main', deleted: false }))
    const files = [...this.files].map(([key, content]) => {
      const namespace = key.slice(0, key.indexOf(':'))
      const path = key.slice(namespace.length + 1)
      return { tenant: 'main', namespace, path, bytes: Buffer.from(content), revision: 1 }
    })
    return { flows, files, kv: [] }
  }

  async info() {
    return { version: '1.3.2', edition: 'OSS', tenantScoped: true, systemNamespace: 'system' }
  }

  async listFlows(namespace: string): Promise<RemoteFlow[]> {
    this.reads.push(`listFlows ${namespace}`)
    return [...this.flows.values()].filter((f) => f.namespace === namespace).map((f) => ({ ...f }))
  }

  async flowRevisions(namespace: string): Promise<Map<string, number>> {
    this.reads.push(`flowRevisions ${namespace}`)
    return new Map(
      [...this.flows.values()]
        .filter((f) => f.namespace === namespace)
        .map((f) => [f.id, f.revision])
    )
  }

  async getFlow(namespace: string, id: string): Promise<RemoteFlow | undefined> {
    this.reads.push(`getFlow ${namespace}/${id}`)
    const flow = this.flows.get(`${namespace}/${id}`)
    return flow && { ...flow }
  }

  createFlow(source: string): Promise<RemoteFlow> {
    const { namespace, id } = identity(source)
    return this.write(`createFlow ${namespace}/${id}`, `flow:${namespace}/${id}`, () => {
      const key = `${namespace}/${id}`
      if (this.flows.has(key)) {
        throw new ApiError({
          status: 422,
          method: 'POST',
          path: '/api/v1/main/flows',
          serverMessage: 'Invalid entity: flow.id: Flow id already exists'
        })
      }
      return this.store(namespace, id, source)
    })
  }

  updateFlow(namespace: string, id: string, source: string): Promise<RemoteFlow> {
    return this.write(`updateFlow ${namespace}/${id}`, `flow:${namespace}/${id}`, () => {
      const current = this.flows.get(`${namespace}/${id}`)
      if (!current) throw notFound('PUT', `/api/v1/main/flows/${namespace}/${id}`)
      if (current.source === source) return { ...current }
      return this.store(namespace, id, source)
    })
  }

  deleteFlow(namespace: string, id: string): Promise<void> {
    return this.write(`deleteFlow ${namespace}/${id}`, `flow:${namespace}/${id}`, () => {
      const key = `${namespace}/${id}`
      if (!this.flows.delete(key)) throw notFound('DELETE', `/api/v1/main/flows/${namespace}/${id}`)
      this.lastRevision.set(key, (this.lastRevision.get(key) ?? 0) + 1)
    })
  }

  async listFiles(namespace: string): Promise<RemoteFile[]> {
    this.reads.push(`listFiles ${namespace}`)
    return [...this.files]
      .filter(([key]) => key.startsWith(`${namespace}:`))
      .map(([key, content]) => ({ path: key.slice(namespace.length + 1), bytes: content }))
  }

  async getFile(namespace: string, path: string): Promise<Uint8Array | undefined> {
    this.reads.push(`getFile ${namespace}:${path}`)
    return this.files.get(`${namespace}:${path}`)
  }

  uploadFile(namespace: string, path: string, content: Uint8Array): Promise<void> {
    return this.write(`uploadFile ${namespace}:${path}`, `file:${namespace}:${path}`, () => {
      this.files.set(`${namespace}:${path}`, content)
    })
  }

  deleteFile(namespace: string, path: string): Promise<void> {
    return this.write(`deleteFile ${namespace}:${path}`, `file:${namespace}:${path}`, () => {
      this.files.delete(`${namespace}:${path}`)
    })
  }

  async getKv(namespace: string, key: string): Promise<unknown> {
    this.reads.push(`getKv ${namespace}/${key}`)
    const failure = this.failures.get(`kv:${namespace}/${key}`)
    if (failure) throw failure
    return this.kv.get(`${namespace}/${key}`)
  }

  putKv(namespace: string, key: string, value: unknown): Promise<void> {
    return this.write(`putKv ${namespace}/${key}`, `kv:${namespace}/${key}`, () => {
      this.kv.set(`${namespace}/${key}`, JSON.parse(JSON.stringify(value)))
    })
  }

  deleteKv(namespace: string, key: string): Promise<void> {
    return this.write(`deleteKv ${namespace}/${key}`, `kv:${namespace}/${key}`, () => {
      this.kv.delete(`${namespace}/${key}`)
    })
  }

  async validateFlows(): Promise<never> {
    throw new Error('not used by deploy')
  }

  private async write<T>(call: string, resource: string, apply: () => T): Promise<T> {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      // Let other writes start, so that concurrency can be observed.
      await new Promise((resolve) => setImmediate(resolve))
      await this.gate?.(resource)
      this.writes.push(call)
      this.beforeWrite?.(resource)
      const failure = this.failures.get(resource)
      if (failure) throw failure
      return apply()
    } finally {
      this.inFlight--
    }
  }

  private store(namespace: string, id: string, source: string): RemoteFlow {
    const key = `${namespace}/${id}`
    const revision = (this.lastRevision.get(key) ?? 0) + 1
    this.lastRevision.set(key, revision)
    const flow = { namespace, id, source, revision }
    this.flows.set(key, flow)
    return { ...flow }
  }
}

export function bytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content
}

function identity(source: string): { namespace: string; id: string } {
  const id = /^id: (.+)$/m.exec(source)?.[1]
  const namespace = /^namespace: (.+)$/m.exec(source)?.[1]
  if (!id || !namespace) throw new Error(`test flow without id/namespace:\n${source}`)
  return { namespace, id }
}

function notFound(method: string, path: string): ApiError {
  return new ApiError({ status: 404, method, path, serverMessage: 'Not Found' })
}
