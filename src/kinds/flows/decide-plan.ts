import type { KindPlanOptions } from '../../decide/kind.js'
import {
  actionOf,
  applyDiff,
  indexByFile,
  isDrifted,
  scopeFilter
} from '../../decide/plan/build.js'
import { diffTexts } from '../../decide/plan/diff.js'
import { normaliseText } from '../../model/content.js'
import type { RemoteFlow } from '../../model/kestra.js'
import { flowKey } from '../../model/keys.js'
import { comparableFlowSource } from '../../model/normalise.js'
import type { FlowChange, PlanAction } from '../../model/plan.js'

/**
 * The flows' changes (docs/plan.md): the repository's flows against the server's in each managed
 * namespace, compared as Kestra compares them; drift against the base commit.
 */
export function planFlows(options: KindPlanOptions): FlowChange[] {
  const input = options.pipeline
  if (!input) return []
  const desiredFlows = indexByFile(input.desired.flows, (f) => flowKey(f.namespace, f.id))
  const actualFlows = new Map<string, RemoteFlow & { namespace: string }>()
  for (const namespace of new Set(input.namespaces)) {
    for (const flow of input.actual.get(namespace)?.flows ?? [])
      actualFlows.set(flowKey(namespace, flow.id), { ...flow, namespace })
  }
  const inScope = scopeFilter(options, desiredFlows, input.base?.flows)
  const changes: FlowChange[] = []
  for (const key of new Set([...desiredFlows.keys(), ...actualFlows.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFlows.get(key)
    const server = actualFlows.get(key)
    const base = input.base?.flows.get(key)
    if (desired && !server) {
      changes.push(flowChange(desired, 'create', options, undefined))
      continue
    }
    if (!server) continue
    const serverComparable = comparableFlowSource(server.source)
    const desiredComparable = desired && comparableFlowSource(desired.source)
    const change = flowChange(
      desired ?? server,
      actionOf(options, desired !== undefined, desiredComparable === serverComparable),
      options,
      server
    )
    change.drifted = isDrifted(
      change.action,
      input.base !== undefined,
      base && comparableFlowSource(base.source) !== serverComparable
    )
    changes.push(change)
  }
  return changes
}

function flowChange(
  subject: { namespace: string; id: string; source: string; file?: string },
  action: PlanAction,
  { limits }: KindPlanOptions,
  server: RemoteFlow | undefined
): FlowChange {
  const { namespace, id } = subject
  const desired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FlowChange = {
    kind: 'flow',
    namespace,
    id,
    action,
    drifted: false,
    ...(desired && subject.file !== undefined && { file: subject.file }),
    ...(desired && { desired: normaliseText(subject.source) }),
    ...(server && { current: { source: server.source, revision: server.revision } })
  }
  const name = `${namespace}/${id}`
  if (action === 'create') {
    applyDiff(change, diffTexts('', `b/${name}`, undefined, change.desired, limits))
  } else if (action === 'update' && server) {
    const before = comparableFlowSource(server.source)
    const after = comparableFlowSource(subject.source)
    applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  } else if (action === 'delete' && server) {
    applyDiff(change, diffTexts(`a/${name}`, '', normaliseText(server.source), undefined, limits))
  }
  return change
}
