import type { RemoteFlow } from '../kestra/api.js'
import { parseFlowFile } from '../repo/flow-file.js'
import type { FlowFile } from '../repo/model.js'
import { flowKey } from '../identity.js'
import { collectReferences } from '../validate/references.js'
import type { CallEdge } from './impact.js'

/**
 * Every flow-to-flow call (Subflow, ForEachItem and their old aliases, Flow triggers) made by the
 * repository's flows and by the server-only flows of the managed namespaces, from the sources already read:
 * no request. Only server sources that name a `flowId` are parsed.
 */
export function callGraph(
  repository: readonly FlowFile[],
  server: ReadonlyMap<string, { flows: readonly RemoteFlow[] }>
): { calls: CallEdge[]; serverOnly: Set<string> } {
  const calls: CallEdge[] = []
  const held = new Set<string>()
  for (const flow of repository) {
    if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined) continue
    held.add(flowKey(flow.namespace, flow.id))
    calls.push(...edgesOf(flow, { namespace: flow.namespace, id: flow.id }))
  }
  const serverOnly = new Set<string>()
  for (const [namespace, { flows }] of server) {
    for (const remote of flows) {
      const key = flowKey(namespace, remote.id)
      if (held.has(key)) continue
      serverOnly.add(key)
      if (!remote.source.includes('flowId')) continue
      const parsed = parseFlowFile({ file: '', rel: '', raw: remote.source })
      calls.push(...edgesOf(parsed, { namespace, id: remote.id }))
    }
  }
  return { calls, serverOnly }
}

function edgesOf(flow: FlowFile, caller: CallEdge['caller']): CallEdge[] {
  return collectReferences([flow]).flatMap((ref) =>
    ref.kind === 'flow'
      ? [
          {
            caller,
            namespace: ref.namespace,
            id: ref.id,
            via: ref.via,
            file: ref.file,
            line: ref.line,
            column: ref.column
          }
        ]
      : []
  )
}
