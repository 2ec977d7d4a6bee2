/** Kestra's namespace names: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/

/** The longest namespace Kestra accepts (docs/kestra.md#flow-top-level-keys). */
export const NAMESPACE_MAX_LENGTH = 150

export function isKestraNamespace(namespace: string): boolean {
  return NAMESPACE_PATTERN.test(namespace) && namespace.length <= NAMESPACE_MAX_LENGTH
}

/** `a.b.c` → `a`, `a.b`, `a.b.c`: a namespace and its parents, whose folders its flows make read. */
export function namespaceAndParents(namespace: string): string[] {
  const parts = namespace.split('.')
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'))
}

/** Kestra's own namespace: managed only when the `namespaces` input lists it; its children are ordinary. */
export const SYSTEM_NAMESPACE = 'system'

/** Whether a namespace the repository holds a resource for is managed: `system` only when listed. */
export function heldNamespaceIsManaged(
  namespace: string,
  extraNamespaces: readonly string[]
): boolean {
  return namespace !== SYSTEM_NAMESPACE || extraNamespaces.includes(namespace)
}

/** Whether a read made early was for exactly these namespaces (both lists sorted): else it is read again. */
export function sameNamespaces(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((namespace, i) => namespace === b[i])
}
