import type { RemoteFlow } from '../model/kestra.js'
import { ApiError } from './errors.js'
import { flowIdentity, withoutRevisionLine } from '../model/flow-source.js'
import { readJsonArray, readJsonObject, type ScopedHttp } from './scoped-http.js'
import { responseError, type HttpResponse } from './transport.js'
import { readZip } from './zip.js'
import { pathSegment } from '../model/path-segment.js'

const YAML = { 'content-type': 'application/x-yaml' }

interface Listed {
  id: string
  revision: number
  updated?: string
}

export class FlowsEndpoint {
  /** Set once `POST /flows/export/by-ids` answered 405 (a proxy or server without that route). */
  private exportMissing = false

  constructor(private readonly http: ScopedHttp) {}

  /** Listing (ids, revisions) then one export of every source: 2 requests whatever the count. */
  async list(namespace: string): Promise<RemoteFlow[]> {
    const { listed, sources } = await this.listedWithSources(namespace)
    const flows = await Promise.all(
      listed.map(async ({ id, revision, updated }): Promise<RemoteFlow | undefined> => {
        const source = sources.get(id)
        if (source !== undefined)
          return { namespace, id, revision, source, ...(updated && { updated }) }
        return this.get(namespace, id)
      })
    )
    return flows
      .filter((flow): flow is RemoteFlow => flow !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Id → revision of every flow of the namespace: the listing alone, 1 request. */
  async revisions(namespace: string): Promise<Map<string, number>> {
    return new Map((await this.listed(namespace)).map(({ id, revision }) => [id, revision]))
  }

  async get(namespace: string, id: string): Promise<RemoteFlow | undefined> {
    const response = await this.http.send({
      method: 'GET',
      path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
      query: { source: 'true' },
      route: '/flows/{namespace}/{id}',
      allow: [404]
    })
    if (response.status === 404) return undefined
    return toRemoteFlow(response, '')
  }

  /**
   * One revision's source; with `revision` set the server reads tombstones too
   * (docs/kestra.md#flow-revisions).
   */
  async revisionSource(
    namespace: string,
    id: string,
    revision: number
  ): Promise<string | undefined> {
    const response = await this.http.send({
      method: 'GET',
      path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
      query: { revision: String(revision), source: 'true' },
      route: '/flows/{namespace}/{id}',
      allow: [404]
    })
    if (response.status === 404) return undefined
    const { source } = readJsonObject(response)
    return typeof source === 'string' ? source : undefined
  }

  /**
   * A create that had to be retried may have reached the server the first time: its "already
   * exists" (422 up to 1.3, 409 in 2.0) then re-reads the flow and accepts it when the stored source is the one sent.
   */
  async create(source: string): Promise<RemoteFlow> {
    const response = await this.http.send({
      method: 'POST',
      path: '/flows',
      route: '/flows',
      headers: YAML,
      body: source,
      allow: [409, 422]
    })
    if (response.status < 400) return toRemoteFlow(response, source)
    const error = responseError(response)
    if (response.attempts === 1 || !/already exists/i.test(error.serverMessage)) throw error
    const identity = flowIdentity(source)
    const stored = identity && (await this.get(identity.namespace, identity.id))
    if (stored && withoutRevisionLine(stored.source) === withoutRevisionLine(source)) return stored
    throw error
  }

  async update(namespace: string, id: string, source: string): Promise<RemoteFlow> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
      route: '/flows/{namespace}/{id}',
      headers: YAML,
      body: source
    })
    return toRemoteFlow(response, source)
  }

  /**
   * Throws ApiError 404 when the flow is absent, except when the request had to be retried:
   * then the first attempt most likely deleted it.
   */
  async delete(namespace: string, id: string): Promise<void> {
    const response = await this.http.send({
      method: 'DELETE',
      path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
      route: '/flows/{namespace}/{id}',
      allow: [404]
    })
    if (response.status === 404 && response.attempts === 1) throw responseError(response)
  }

  private async listed(namespace: string): Promise<Listed[]> {
    const listing = await this.http.send({
      method: 'GET',
      path: `/flows/${pathSegment(namespace)}`,
      route: '/flows/{namespace}'
    })
    return readJsonArray(listing).flatMap((item): Listed[] => {
      const flow = item as Record<string, unknown>
      if (typeof flow.id !== 'string' || flow.deleted === true) return []
      if (typeof flow.namespace === 'string' && flow.namespace !== namespace) return []
      const updated = typeof flow.updated === 'string' ? { updated: flow.updated } : {}
      return [{ id: flow.id, revision: Number(flow.revision ?? 0), ...updated }]
    })
  }

  /** Sources by id; undefined on a 404 (a listed flow is gone, or the endpoint is missing). */
  /**
   * The export answers 404 for the whole request when one listed flow is gone by then (Kestra's
   * `exportByIds` calls `orElseThrow()` per id, docs/kestra.md#export-flows): the namespace is listed
   * and exported once more, and after a second 404 its flows are read one by one. Other namespaces keep
   * the export.
   */
  private async listedWithSources(
    namespace: string
  ): Promise<{ listed: Listed[]; sources: Map<string, string> }> {
    for (let attempt = 1; ; attempt++) {
      const listed = await this.listed(namespace)
      if (listed.length === 0 || this.exportMissing) return { listed, sources: new Map() }
      const sources = await this.exportSources(namespace, listed)
      if (sources || attempt === 2) return { listed, sources: sources ?? new Map() }
    }
  }

  /** Sources by id; undefined on a 404. */
  private async exportSources(
    namespace: string,
    listed: Listed[]
  ): Promise<Map<string, string> | undefined> {
    const response = await this.http.send({
      method: 'POST',
      path: '/flows/export/by-ids',
      route: '/flows/export/by-ids',
      readOnly: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(listed.map(({ id }) => ({ namespace, id }))),
      allow: [404, 405]
    })
    if (response.status === 404) return undefined
    if (response.status === 405) {
      this.exportMissing = true
      return new Map()
    }
    const ids = new Set(listed.map(({ id }) => id))
    const sources = new Map<string, string>()
    for (const [name, bytes] of readZip(response)) {
      const source = new TextDecoder().decode(bytes)
      const id = idFromEntryName(name, namespace, ids) ?? flowIdentity(source)?.id
      if (id !== undefined && ids.has(id)) sources.set(id, source)
    }
    return sources
  }
}

/** Entries are `<namespace>.<id>.yaml` (by-ids) or `<namespace>-<id>.yml` (by-query). */
function idFromEntryName(name: string, namespace: string, ids: Set<string>): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, '')
  for (const separator of ['.', '-']) {
    const prefix = namespace + separator
    if (base.startsWith(prefix) && ids.has(base.slice(prefix.length))) {
      return base.slice(prefix.length)
    }
  }
  return undefined
}

function toRemoteFlow(response: HttpResponse, sentSource: string): RemoteFlow {
  const flow = readJsonObject(response)
  if (typeof flow.id !== 'string' || typeof flow.namespace !== 'string') {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: 'the answer is not a flow (no id or namespace)'
    })
  }
  return {
    namespace: flow.namespace,
    id: flow.id,
    revision: Number(flow.revision ?? 0),
    source: typeof flow.source === 'string' ? flow.source : sentSource,
    ...(typeof flow.updated === 'string' && { updated: flow.updated })
  }
}
