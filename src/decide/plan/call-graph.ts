import type { RemoteFlow } from '../../model/kestra.js'
import { parseFlowFile } from '../../model/flow-file.js'
import type { FlowFile } from '../../model/repository.js'
import { flowKey } from '../../model/keys.js'
import { collectReferences } from '../validate/references.js'
import type { FlowReference } from '../../model/references.js'
import type { CallEdge } from './impact.js'

/**
 * Every flow-to-flow call (Subflow, ForEachItem and their old aliases, Flow triggers) made by the
 * repository's flows and by the server-only flows of the managed namespaces, from the sources already read:
 * no request. Only server sources that name a `flowId` are parsed.
 */
export function callGraph(
  repository: { flows: readonly FlowFile[]; references: readonly FlowReference[] },
  server: ReadonlyMap<string, { flows: readonly RemoteFlow[] }>
): { calls: CallEdge[]; serverOnly: Set<string> } {
  // The repository's references were collected when its flows were checked: not walked again here.
  const held = new Map<string, CallEdge['caller']>()
  for (const flow of repository.flows) {
    if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined) continue
    held.set(flowKey(flow.namespace, flow.id), { namespace: flow.namespace, id: flow.id })
  }
  const calls = repository.references.flatMap((ref) => {
    const caller = held.get(ref.fromFlow)
    return caller ? edgesOf([ref], caller) : []
  })
  const serverOnly = new Set<string>()
  for (const [namespace, { flows }] of server) {
    for (const remote of flows) {
      const key = flowKey(namespace, remote.id)
      if (held.has(key)) continue
      serverOnly.add(key)
      if (!remote.source.includes('flowId')) continue
      const parsed = parseFlowFile({ file: '', rel: '', raw: remote.source })
      calls.push(...edgesOf(collectReferences([parsed]), { namespace, id: remote.id }))
    }
  }
  return { calls, serverOnly }
}

function edgesOf(references: readonly FlowReference[], caller: CallEdge['caller']): CallEdge[] {
  return references.flatMap((ref) =>
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
