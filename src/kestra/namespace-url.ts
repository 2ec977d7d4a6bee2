/** A namespace's page in the Kestra UI. */
export function namespaceUrl(
  server: string,
  tenant: string | undefined,
  namespace: string
): string {
  const path = [tenant, 'namespaces', 'edit', namespace]
    .filter((part): part is string => part !== undefined)
    .map(encodeURIComponent)
    .join('/')
  return `${server.replace(/\/+$/, '')}/ui/${path}`
}
