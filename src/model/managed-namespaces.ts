import { heldNamespaceIsManaged, NAMESPACE_PATTERN } from './namespaces.js'
import type { FlowFile, NamespaceFileEntry } from './repository.js'
import { compareCodeUnits } from './content.js'

/** Namespaces the repository holds a resource for, plus the listed ones; sorted, unique. */
export function managedNamespaces(
  flows: readonly FlowFile[],
  files: readonly NamespaceFileEntry[],
  extraNamespaces: readonly string[]
): string[] {
  const held = new Set([
    ...flows.flatMap((flow) => flowNamespace(flow) ?? []),
    ...files.map((file) => file.namespace)
  ])
  const managed = [...held].filter((namespace) =>
    heldNamespaceIsManaged(namespace, extraNamespaces)
  )
  return [...new Set([...managed, ...extraNamespaces])].sort(compareCodeUnits)
}

/** The namespace a flow file makes managed, if any. */
export function flowNamespace(flow: FlowFile): string | undefined {
  if (flow.notAFlow) return undefined
  // A namespace that breaks the layout must not make another managed (and open it to deletions).
  return namespaceFits(flow) ? flow.namespace : flow.expectedNamespace
}

/** The flow declares a valid namespace that its folder allows (the same one or a child of it). */
export function namespaceFits(flow: FlowFile): boolean {
  const { namespace, expectedNamespace } = flow
  if (namespace === undefined || !NAMESPACE_PATTERN.test(namespace)) return false
  return (
    expectedNamespace === undefined ||
    namespace === expectedNamespace ||
    namespace.startsWith(`${expectedNamespace}.`)
  )
}
