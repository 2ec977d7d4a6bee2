/** API path prefixes: `/api/v1/{tenant}` since 0.23 (OSS tenant `main`), `/api/v1` before. */
export const LEGACY_PREFIX = '/api/v1'

export function tenantPrefix(tenant: string): string {
  return `${LEGACY_PREFIX}/${encodeURIComponent(tenant)}`
}

/** `[major, minor, patch]` of a Kestra version such as `0.20.7` or `1.3.0-SNAPSHOT`; undefined when unreadable. */
export function parseVersion(version: unknown): [number, number, number] | undefined {
  if (typeof version !== 'string') return undefined
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim().replace(/-SNAPSHOT$/i, ''))
  if (!match) return undefined
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
}

/**
 * Whether routes carry the tenant segment. Before 0.23 only an Enterprise server configured with a
 * tenant did; the default tenant `main` is taken as "not configured" there.
 */
export function isTenantScoped(
  version: [number, number, number],
  edition: string,
  tenant: string
): boolean {
  const [major, minor] = version
  if (major > 0 || minor >= 23) return true
  return edition.toUpperCase() === 'EE' && tenant !== 'main'
}
