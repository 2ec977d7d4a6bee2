import type { FlowDependency, RemoteFlow } from '../../model/kestra.js'
import { flowIdentity, withoutRevisionLine } from '../../model/flow-source.js'
import { z } from 'zod'
import { bodyText, readAnswer, readJsonArray, type ScopedHttp, YAML } from './scoped-http.js'
import { responseError, type HttpResponse, unreadableAnswer } from './transport.js'
import { readZip } from './zip.js'
import { compareCodeUnits } from '../../model/content.js'
import { settle, valueOf, valueOfEnded, type Outcome } from '../../model/outcome.js'

type Listed = Pick<RemoteFlow, 'id' | 'revision' | 'updated' | 'draft'>

/** Flows one export asks for at most, several namespaces together (docs/kestra.md#export-flows). */
export const EXPORTED_AT_ONCE = 1000

/** Namespaces whose listed flows leave in one export; each learns its sources, or undefined on a 404. */
interface ExportBatch {
  members: { namespace: string; listed: Listed[]; done: (sources: Outcome<Sources>) => void }[]
  names: Set<string>
}

type Sources = Map<string, string> | undefined

/** `P/flows` (docs/kestra.md#export-flows). */
export function flowsApi(http: ScopedHttp) {
  /** Set once `POST /flows/export/by-ids` answered 405 (a proxy or server without that route). */
  let exportMissing = false
  let batch: ExportBatch | undefined
  let listingsUnderWay = 0
  const one = (namespace: string, id: string) => ({
    route: '/flows/{namespace}/{id}',
    params: [namespace, id]
  })

  const getFlow = async (namespace: string, id: string): Promise<RemoteFlow | undefined> => {
    const response = await http.found({
      method: 'GET',
      ...one(namespace, id),
      query: { source: 'true' }
    })
    return response && toRemoteFlow(response, '')
  }

  const listed = async (namespace: string): Promise<Listed[]> => {
    const listing = await http.send({
      method: 'GET',
      route: '/flows/{namespace}',
      params: [namespace]
    })
    return readJsonArray(listing).flatMap((item): Listed[] => {
      const flow = flowAnswer.safeParse(item).data
      if (flow?.id === undefined || flow.deleted === true) return []
      if (flow.namespace !== undefined && flow.namespace !== namespace) return []
      const updated = flow.updated !== undefined ? { updated: flow.updated } : {}
      // 2.0 lists a flow's latest revision, a draft included (jdbc 2.0.0 findByNamespace: its last revision).
      const draft = flow.draft === true ? { draft: true as const } : {}
      return [{ id: flow.id, revision: Number(flow.revision ?? 0), ...updated, ...draft }]
    })
  }

  /**
   * The export answers 404 for the whole request when one listed flow is gone by then (`exportByIds` calls
   * `orElseThrow()` per id, docs/kestra.md#export-flows): each namespace of that export is then listed and
   * exported once more alone, and after a second 404 its flows are read one by one. Other exports are not touched.
   */
  const listedWithSources = async (
    namespace: string
  ): Promise<{ listed: Listed[]; sources: Map<string, string> }> => {
    listingsUnderWay++
    const listing = await settle(listed(namespace))
    listingsUnderWay--
    if (!listing.ok || listing.value.length === 0 || exportMissing) {
      // Nothing of this namespace joins the export being filled: it leaves unless a listing may still.
      if (listingsUnderWay === 0) send()
      return { listed: valueOfEnded(listing), sources: new Map() }
    }
    const together = await join(namespace, listing.value)
    if (together) return { listed: listing.value, sources: together }
    const again = await listed(namespace)
    if (again.length === 0 || exportMissing) return { listed: again, sources: new Map() }
    const alone = await exportSources([{ namespace, listed: again }])
    return { listed: again, sources: alone?.get(namespace) ?? new Map() }
  }

  /**
   * Adds a namespace's listed flows to the export being filled, sent once it holds `EXPORTED_AT_ONCE` flows or no
   * listing is under way. A namespace whose entry names could be confused with the batch's (`a` + `b.c`, `a.b` +
   * `c`) goes to the next one.
   */
  const join = (namespace: string, flows: Listed[]): Promise<Sources> => {
    const names = flows.flatMap(({ id }) => entryNames(namespace, id))
    if (
      batch &&
      (flowsIn(batch) + flows.length > EXPORTED_AT_ONCE ||
        names.some((name) => batch!.names.has(name)))
    ) {
      send()
    }
    const filling: ExportBatch = (batch ??= { members: [], names: new Set() })
    for (const name of names) filling.names.add(name)
    const sources = new Promise<Outcome<Sources>>((done) =>
      filling.members.push({ namespace, listed: flows, done })
    )
    if (flowsIn(filling) >= EXPORTED_AT_ONCE || listingsUnderWay === 0) send()
    return valueOf(sources)
  }

  const send = (): void => {
    const sent = batch
    batch = undefined
    if (!sent) return
    void settle(exportSources(sent.members)).then((outcome) => {
      for (const member of sent.members) {
        member.done(
          outcome.ok
            ? {
                ok: true,
                value: outcome.value && (outcome.value.get(member.namespace) ?? new Map())
              }
            : outcome
        )
      }
    })
  }

  const exportSources = async (
    members: readonly { namespace: string; listed: Listed[] }[]
  ): Promise<Map<string, Map<string, string>> | undefined> => {
    const response = await http.send({
      method: 'POST',
      route: '/flows/export/by-ids',
      readOnly: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        members.flatMap(({ namespace, listed }) => listed.map(({ id }) => ({ namespace, id })))
      ),
      allow: [404, 405]
    })
    if (response.status === 404) return undefined
    if (response.status === 405) {
      exportMissing = true
      return new Map()
    }
    const named = new Map(
      members.flatMap(({ namespace, listed }) =>
        listed.flatMap(({ id }) =>
          entryNames(namespace, id).map((name) => [name, { namespace, id }] as const)
        )
      )
    )
    const sources = new Map(members.map(({ namespace }) => [namespace, new Map<string, string>()]))
    for (const [name, bytes] of readZip(response)) {
      const source = bodyText(bytes)
      let flow = named.get(name.slice(name.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, ''))
      if (!flow) {
        // Only an entry its name does not place is parsed: parsing every one cost a plan a second per 2,000 flows.
        const identity = flowIdentity(source)
        flow = identity && named.get(`${identity.namespace}.${identity.id}`)
      }
      if (flow) sources.get(flow.namespace)?.set(flow.id, source)
    }
    return sources
  }

  return {
    /**
     * Listing, then the export shared with the namespaces listed at the same time: at most 2 requests a namespace.
     */
    async listFlows(namespace: string): Promise<RemoteFlow[]> {
      const { listed, sources } = await listedWithSources(namespace)
      const flows = await Promise.all(
        listed.map(async ({ id, revision, updated, draft }): Promise<RemoteFlow | undefined> => {
          const source = sources.get(id)
          const flow =
            source !== undefined
              ? { namespace, id, revision, source, ...(updated && { updated }) }
              : await getFlow(namespace, id)
          return flow && { ...flow, ...(draft && { draft }) }
        })
      )
      return flows
        .filter((flow): flow is RemoteFlow => flow !== undefined)
        .sort((a, b) => compareCodeUnits(a.id, b.id))
    },
    /** Id → revision of every non-deleted flow of exactly this namespace, without sources. 1 request. */
    async flowRevisions(namespace: string): Promise<Map<string, number>> {
      return new Map((await listed(namespace)).map(({ id, revision }) => [id, revision]))
    },
    getFlow,
    /** Undefined when the server has no such revision; tombstones included (docs/kestra.md#flow-revisions). */
    async flowRevisionSource(
      namespace: string,
      id: string,
      revision: number
    ): Promise<string | undefined> {
      const response = await http.found({
        method: 'GET',
        ...one(namespace, id),
        query: { revision: String(revision), source: 'true' }
      })
      return response && readAnswer(response, flowAnswer, 'a flow').source
    },
    /**
     * A create that had to be retried may have reached the server the first time: its "already exists" (422 up to
     * 1.3, 409 in 2.0) then re-reads the flow and accepts it when the stored source is the one sent.
     */
    async createFlow(source: string): Promise<RemoteFlow> {
      const response = await http.send({
        method: 'POST',
        route: '/flows',
        headers: YAML,
        body: source,
        allow: [409, 422]
      })
      if (response.status < 400) return toRemoteFlow(response, source)
      const error = responseError(response)
      if (response.attempts === 1 || !/already exists/i.test(error.serverMessage)) throw error
      const identity = flowIdentity(source)
      const stored = identity && (await getFlow(identity.namespace, identity.id))
      if (stored && withoutRevisionLine(stored.source) === withoutRevisionLine(source))
        return stored
      throw error
    },
    /** Unchanged source keeps the revision. */
    async updateFlow(namespace: string, id: string, source: string): Promise<RemoteFlow> {
      const response = await http.send({
        method: 'PUT',
        ...one(namespace, id),
        headers: YAML,
        body: source
      })
      return toRemoteFlow(response, source)
    },
    /** A 404 throws, except after a retry: the first attempt most likely deleted it. */
    async deleteFlow(namespace: string, id: string): Promise<void> {
      const response = await http.send({ method: 'DELETE', ...one(namespace, id), allow: [404] })
      if (response.status === 404 && response.attempts === 1) throw responseError(response)
    },
    /**
     * The flow's direct edges, both directions, not expanded (docs/kestra.md#flow-dependencies); undefined when
     * the server has no such route. Edges of another relation, or naming a node the answer does not list, are left
     * out.
     */
    async flowDependencies(namespace: string, id: string): Promise<FlowDependency[] | undefined> {
      const response = await http.found({
        method: 'GET',
        route: '/flows/{namespace}/{id}/dependencies',
        params: [namespace, id],
        query: { destinationOnly: 'false', expandAll: 'false' }
      })
      if (!response) return undefined
      const { nodes, edges } = readAnswer(response, topology, 'a flow topology')
      const byUid = new Map<string, { namespace: string; id: string }>()
      for (const node of nodes) {
        const read = topologyNode.safeParse(node).data
        if (read) byUid.set(read.uid, { namespace: read.namespace, id: read.id })
      }
      return edges.flatMap((edge): FlowDependency[] => {
        const read = topologyEdge.safeParse(edge).data
        const from = read && byUid.get(read.source)
        const to = read && byUid.get(read.target)
        return from && to ? [{ source: from, target: to, relation: read.relation }] : []
      })
    }
  }
}

function flowsIn(batch: ExportBatch): number {
  return batch.members.reduce((sum, member) => sum + member.listed.length, 0)
}

/**
 * A flow's entry names in an export, extension aside: `<namespace>.<id>` (by-ids), `<namespace>-<id>` (by-query).
 */
function entryNames(namespace: string, id: string): string[] {
  return [`${namespace}.${id}`, `${namespace}-${id}`]
}

/** A flow as Kestra answers it; a field of another type counts as absent. */
const flowAnswer = z.object({
  id: z.string().optional().catch(undefined),
  namespace: z.string().optional().catch(undefined),
  revision: z.unknown().optional(),
  deleted: z.unknown().optional(),
  source: z.string().optional().catch(undefined),
  updated: z.string().optional().catch(undefined),
  draft: z.boolean().optional().catch(undefined)
})

const topology = z.object({
  nodes: z.array(z.unknown()).catch([]),
  edges: z.array(z.unknown()).catch([])
})
const topologyNode = z.object({ uid: z.string(), namespace: z.string(), id: z.string() })
const topologyEdge = z.object({
  source: z.string(),
  target: z.string(),
  relation: z.enum(['FLOW_TASK', 'FLOW_TRIGGER'])
})

function toRemoteFlow(response: HttpResponse, sentSource: string): RemoteFlow {
  const flow = readAnswer(response, flowAnswer, 'a flow')
  if (flow.id === undefined || flow.namespace === undefined) {
    throw unreadableAnswer(response, 'the answer is not a flow (no id or namespace)')
  }
  return {
    namespace: flow.namespace,
    id: flow.id,
    revision: Number(flow.revision ?? 0),
    source: flow.source ?? sentSource,
    ...(flow.updated !== undefined && { updated: flow.updated })
  }
}
