import type { RemoteFlow } from '../../model/kestra.js'
import { parseFlowFile } from '../../model/flow-file.js'
import type { FlowFile } from '../../model/repository.js'
import { flowKey } from '../../model/targets.js'
import { collectReferences } from './decide-references.js'
import type { FlowReference, OutsideUser } from '../../model/references.js'
import type { CallEdge, FileRead } from './decide-impact.js'

/** A server source that may call a flow or read a namespace file: only those are parsed. */
const MAY_REFER = /flowId|\bread\s*\(/

/**
 * Every flow-to-flow call (Subflow, ForEachItem and their old aliases, Flow triggers) and every literal
 * `read()` of a namespace file made by the repository's flows and by the server-only flows of the managed
 * namespaces, from the sources already read, and the `outside` users that Kestra's flow topology names in
 * other namespaces (kinds/flows/gather-users.ts).
 */
export function callGraph(
  repository: { flows: readonly FlowFile[]; references: readonly FlowReference[] },
  server: ReadonlyMap<string, { flows: readonly RemoteFlow[] }>,
  outside: readonly OutsideUser[] = []
): { calls: CallEdge[]; reads: FileRead[]; serverOnly: Set<string> } {
  // The repository's references were collected when its flows were checked: not walked again here.
  const held = new Map<string, CallEdge['caller']>()
  for (const flow of repository.flows) {
    if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined) continue
    held.set(flowKey(flow.namespace, flow.id), { namespace: flow.namespace, id: flow.id })
  }
  const calls: CallEdge[] = []
  const reads: FileRead[] = []
  const add = (references: readonly FlowReference[], caller: CallEdge['caller']) => {
    calls.push(...edgesOf(references, caller))
    reads.push(...readsOf(references, caller))
  }
  for (const ref of repository.references) {
    const caller = held.get(ref.fromFlow)
    if (caller) add([ref], caller)
  }
  const serverOnly = new Set<string>()
  for (const [namespace, { flows }] of server) {
    for (const remote of flows) {
      const key = flowKey(namespace, remote.id)
      if (held.has(key)) continue
      serverOnly.add(key)
      if (!MAY_REFER.test(remote.source)) continue
      const parsed = parseFlowFile({ file: '', rel: '', raw: remote.source })
      add(collectReferences([parsed]), { namespace, id: remote.id })
    }
  }
  // Users in namespaces the plan did not read, as Kestra's flow topology knows them: no source, no line.
  for (const use of outside) {
    const key = flowKey(use.user.namespace, use.user.id)
    if (held.has(key)) continue
    serverOnly.add(key)
    const { namespace, id, via } = use
    calls.push({ caller: use.user, namespace, id, via, file: '', line: 1, column: 1 })
  }
  return { calls, reads, serverOnly }
}

function readsOf(references: readonly FlowReference[], reader: FileRead['reader']): FileRead[] {
  return references.flatMap((ref) =>
    ref.kind === 'file'
      ? [
          {
            reader,
            namespace: ref.namespace,
            path: ref.path,
            file: ref.file,
            line: ref.line,
            column: ref.column
          }
        ]
      : []
  )
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
