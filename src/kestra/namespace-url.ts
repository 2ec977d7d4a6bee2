/** The Kestra UI's base: `<server>/ui/<tenant>` on a tenant-scoped server, `<server>/ui` before (0.x). */
export function kestraUiBase(server: string, tenant: string | undefined): string {
  const root = `${server.replace(/\/+$/, '')}/ui`
  return tenant === undefined ? root : `${root}/${encodeURIComponent(tenant)}`
}

/** A namespace's page in the Kestra UI. */
export function namespaceUrl(
  server: string,
  tenant: string | undefined,
  namespace: string
): string {
  return `${kestraUiBase(server, tenant)}/namespaces/edit/${encodeURIComponent(namespace)}`
}
