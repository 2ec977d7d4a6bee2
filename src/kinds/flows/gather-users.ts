import type { DependenciesApi, HistoryApi } from '../../kestra/api.js'
import { mapLimit } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'
import type { FlowDependency } from '../../model/kestra.js'
import type { OutsideUser, OutsideUsers } from '../../model/references.js'
import { flowKey, pinnedKey } from '../../model/targets.js'

/**
 * Most deleted flows whose users Kestra is asked about, one request each
 * (docs/impact.md#users-outside-the-managed-namespaces): deletions are few; the rest are named as not searched.
 */
const DEPENDENCY_READS = 20

/**
 * The users of each deleted flow that Kestra's flow topology knows in namespaces the plan did not read
 * (another team's Subflow call or Flow trigger): `GET …/flows/{ns}/{id}/dependencies` per deleted flow, at
 * most `DEPENDENCY_READS`. Kestra's edge runs caller → called for a task and upstream → triggered flow for
 * a trigger: a user of the deleted flow is the source of a `FLOW_TASK` edge into it, or the target of a
 * `FLOW_TRIGGER` edge out of it.
 */
export async function outsideUsers(
  api: DependenciesApi,
  deleted: readonly { namespace: string; id: string }[],
  /** The namespaces the plan read: their users are known from the sources already. */
  read: { has(namespace: string): boolean },
  concurrency: number
): Promise<OutsideUsers> {
  const asked = deleted.slice(0, DEPENDENCY_READS)
  const unsearched: OutsideUsers['unsearched'] = deleted.slice(DEPENDENCY_READS).map((flow) => ({
    ...flow,
    why: `only the first ${DEPENDENCY_READS} deleted flows are looked up`
  }))
  const users: OutsideUser[] = []
  await mapLimit(asked, concurrency, async (flow) => {
    let edges: FlowDependency[] | undefined
    try {
      edges = await api.flowDependencies(flow.namespace, flow.id)
    } catch (error) {
      unsearched.push({
        ...flow,
        why: `Kestra's flow dependencies could not be read: ${errorMessage(error)}`
      })
      return
    }
    if (edges === undefined) {
      unsearched.push({ ...flow, why: 'this Kestra has no flow dependencies route' })
      return
    }
    const same = (a: { namespace: string; id: string }) =>
      a.namespace === flow.namespace && a.id === flow.id
    for (const edge of edges) {
      const user =
        edge.relation === 'FLOW_TASK' && same(edge.target)
          ? edge.source
          : edge.relation === 'FLOW_TRIGGER' && same(edge.source)
            ? edge.target
            : undefined
      if (!user || same(user) || read.has(user.namespace)) continue
      users.push({
        user,
        ...flow,
        via: edge.relation === 'FLOW_TASK' ? 'subflow' : 'flow-trigger'
      })
    }
  })
  return { users, unsearched }
}

/** Where a call names its target, and the revision it pins, if any. */
interface PinningCall {
  target: { namespace: string; id: string }
  revision?: number
}

/**
 * The sources of the revisions that calls pin, each read once (docs/caught-at-review.md#subflow-contracts);
 * a revision the server does not have maps to undefined (that call is not checked).
 */
export async function readPinnedRevisions(
  api: HistoryApi,
  sites: readonly PinningCall[]
): Promise<Map<string, string | undefined>> {
  const wanted = new Map<string, { namespace: string; id: string; revision: number }>()
  for (const site of sites) {
    if (site.revision === undefined) continue
    const key = pinnedKey(flowKey(site.target.namespace, site.target.id), site.revision)
    wanted.set(key, { ...site.target, revision: site.revision })
  }
  const read = await Promise.all(
    [...wanted].map(
      async ([key, { namespace, id, revision }]) =>
        [key, await api.flowRevisionSource(namespace, id, revision)] as const
    )
  )
  return new Map(read)
}
