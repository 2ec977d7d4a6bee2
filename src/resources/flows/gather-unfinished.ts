import { compareCodeUnits, normaliseText } from '../../model/content.js'
import type { KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import type { Execution, RemoteFlow } from '../../model/kestra.js'
import { type DesiredFlow } from '../../model/plan-input.js'
import { atLeast, parseVersion } from '../../model/version.js'
import { executionUrl } from '../../adapters/kestra/executions.js'
import { flowKey } from '../../model/targets.js'
import type { UnfinishedExecution, UnfinishedReading } from '../../model/plan.js'

/**
 * The states that are not terminated, with the release that added each (docs/kestra.md#execution-states):
 * a search naming a state the server's enum lacks fails, so only the server's own are sent.
 */
const NOT_TERMINATED: [state: string, since: [number, number, number]][] = [
  ['CREATED', [0, 0, 0]],
  ['RUNNING', [0, 0, 0]],
  ['PAUSED', [0, 0, 0]],
  ['RESTARTED', [0, 0, 0]],
  ['KILLING', [0, 0, 0]],
  ['QUEUED', [0, 0, 0]],
  ['RETRYING', [0, 17, 0]],
  ['SUBMITTED', [1, 1, 4]],
  ['BREAKPOINT', [1, 1, 4]]
]

/**
 * The executions not finished of the named flows, per flowKey, oldest first, read to their end
 * (docs/caught-at-review.md#executions-not-finished). A failed or endless search throws: the guard refuses.
 */
export function readUnfinished(
  api: KestraApi & ListingsApi,
  flows: readonly { namespace: string; id: string }[]
): Promise<Map<string, UnfinishedExecution[]>> {
  const idsOf = new Map<string, string[]>()
  for (const f of flows) idsOf.set(f.namespace, [...(idsOf.get(f.namespace) ?? []), f.id])
  return searchUnfinished(
    api,
    [...idsOf].map(([namespace, ids]) => Promise.resolve({ namespace, ids }))
  )
}

/**
 * The review's read (docs/caught-at-review.md#executions-not-finished): executions not finished of the server
 * flows whose repository source differs or (with `delete`) is gone, a superset of the plan's updates and
 * deletions, searched once every namespace's flows are read. Settles, never rejects: a failure is said in the
 * plan.
 */
export function readUnfinishedOfRewritable(
  api: KestraApi & ListingsApi,
  namespaces: readonly { namespace: string; held: Promise<readonly RemoteFlow[]> }[],
  wanted: { flows: readonly DesiredFlow[]; deleteEnabled: boolean }
): Promise<UnfinishedReading> {
  const sources = new Map(wanted.flows.map((f) => [flowKey(f.namespace, f.id), f.source]))
  const groups = namespaces.map(async ({ namespace, held }) => {
    const ids = (await held).flatMap((flow) => {
      const source = sources.get(flowKey(namespace, flow.id))
      const rewritten =
        source === undefined
          ? wanted.deleteEnabled
          : normaliseText(source) !== normaliseText(flow.source)
      return rewritten ? [flow.id] : []
    })
    return { namespace, ids }
  })
  return searchUnfinished(api, groups).then(
    (byFlow) => ({ byFlow }),
    (error: unknown) => ({ error })
  )
}

/**
 * The executions not finished of the groups' flows, searches sharing namespaces
 * (docs/kestra.md#search-executions).
 */
async function searchUnfinished(
  api: KestraApi & ListingsApi,
  groups: readonly Promise<{ namespace: string; ids: readonly string[] }>[]
): Promise<Map<string, UnfinishedExecution[]>> {
  const known = (await Promise.all(groups)).filter(({ ids }) => ids.length > 0)
  const byFlow = new Map<string, UnfinishedExecution[]>()
  if (known.length === 0) return byFlow
  const version = parseVersion((await api.info()).version)
  const states = NOT_TERMINATED.filter(([, since]) => !version || atLeast(version, since)).map(
    ([state]) => state
  )
  const legacy = version !== undefined && !atLeast(version, [1, 1, 0])
  const searched = known
    .map(({ namespace, ids }) => ({ namespace, flowIds: [...new Set(ids)].sort() }))
    .sort((a, b) => compareCodeUnits(a.namespace, b.namespace))
  const found = await api.executionsOf(searched, states, legacy)
  const uiBase = await api.uiBase()
  for (const execution of found.sort(byStart)) {
    if (!states.includes(execution.state)) continue
    const key = flowKey(execution.namespace, execution.flowId)
    const unfinished = {
      id: execution.id,
      state: execution.state,
      url: executionUrl(uiBase, execution)
    }
    byFlow.set(key, [...(byFlow.get(key) ?? []), unfinished])
  }
  return byFlow
}

function byStart(a: Execution, b: Execution): number {
  return Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? '') || (a.id < b.id ? -1 : 1)
}
