import type { KestraApi, ListingsApi } from '../../kestra/api.js'
import type { Execution } from '../../model/kestra.js'
import { parseVersion } from '../../kestra/era.js'
import { executionUrl } from '../../kestra/executions.js'
import { flowKey } from '../../model/targets.js'
import type { UnfinishedExecution } from '../../model/plan.js'

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
 * The executions not finished of the named flows, per flowKey, oldest first: one search per namespace for
 * exactly those flows, read to its end (docs/caught-at-review.md#executions-not-finished). A failed or
 * endless search throws: the caller says so, and the guard refuses.
 */
export async function readUnfinished(
  api: KestraApi & ListingsApi,
  flows: readonly { namespace: string; id: string }[],
  target: { server: string; tenant: string }
): Promise<Map<string, UnfinishedExecution[]>> {
  const info = await api.info()
  const version = parseVersion(info.version)
  const states = NOT_TERMINATED.filter(([, since]) => !version || !older(version, since)).map(
    ([state]) => state
  )
  const legacy = version !== undefined && older(version, [1, 1, 0])
  const wanted = new Set(flows.map((f) => flowKey(f.namespace, f.id)))
  const idsOf = new Map<string, string[]>()
  for (const f of flows) idsOf.set(f.namespace, [...(idsOf.get(f.namespace) ?? []), f.id])
  const found = await Promise.all(
    [...idsOf].map(([namespace, ids]) =>
      api.executionsIn(namespace, [...new Set(ids)].sort(), states, legacy)
    )
  )
  const byFlow = new Map<string, UnfinishedExecution[]>()
  const tenant = info.tenantScoped ? target.tenant : undefined
  for (const execution of found.flat().sort(byStart)) {
    const key = flowKey(execution.namespace, execution.flowId)
    if (!wanted.has(key) || !states.includes(execution.state)) continue
    const list = byFlow.get(key) ?? []
    list.push({
      id: execution.id,
      state: execution.state,
      url: executionUrl(target.server, tenant, execution)
    })
    byFlow.set(key, list)
  }
  return byFlow
}

function older(version: [number, number, number], than: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== than[i]) return version[i]! < than[i]!
  return false
}

function byStart(a: Execution, b: Execution): number {
  return Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? '') || (a.id < b.id ? -1 : 1)
}
