/** Kestra's namespace names: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/

/** Kestra's own namespace: managed only when the `namespaces` input lists it; its children are ordinary. */
export const SYSTEM_NAMESPACE = 'system'

/** Whether a namespace the repository holds a resource for is managed: `system` only when listed. */
export function heldNamespaceIsManaged(
  namespace: string,
  extraNamespaces: readonly string[]
): boolean {
  return namespace !== SYSTEM_NAMESPACE || extraNamespaces.includes(namespace)
}
