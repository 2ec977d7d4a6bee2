import { NAMESPACE_PATTERN } from '../settings.js'
import type { FlowFile, NamespaceFileEntry } from './model.js'

/** Kestra's own namespace: managed only when the `namespaces` input lists it. */
const SYSTEM_NAMESPACE = 'system'

/** Namespaces the repository holds a resource for, plus the listed ones; sorted, unique. */
export function managedNamespaces(
  flows: readonly FlowFile[],
  files: readonly NamespaceFileEntry[],
  extraNamespaces: readonly string[]
): string[] {
  const held = new Set<string>()
  for (const flow of flows) {
    if (flow.notAFlow) continue
    const namespace =
      flow.namespace !== undefined && NAMESPACE_PATTERN.test(flow.namespace)
        ? flow.namespace
        : flow.expectedNamespace
    if (namespace !== undefined) held.add(namespace)
  }
  for (const file of files) held.add(file.namespace)
  held.delete(SYSTEM_NAMESPACE)
  return [...new Set([...held, ...extraNamespaces])].sort(compareCodeUnits)
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
