import { isEnterprise } from '../../model/kestra.js'

/** API path prefixes: `/api/v1/{tenant}` since 0.23 (OSS tenant `main`), `/api/v1` before. */
export const LEGACY_PREFIX = '/api/v1'

export function tenantPrefix(tenant: string): string {
  return `${LEGACY_PREFIX}/${encodeURIComponent(tenant)}`
}

/**
 * Whether routes carry the tenant segment: from Enterprise 0.22 every route (no default tenant,
 * docs/kestra.md#tenant-prefix); before, only a configured tenant (`main` counts as none).
 */
export function isTenantScoped(
  version: [number, number, number],
  edition: string,
  tenant: string
): boolean {
  const [major, minor] = version
  if (major > 0 || minor >= 23) return true
  if (!isEnterprise(edition)) return false
  return minor >= 22 || tenant !== 'main'
}

/**
 * OSS serves one tenant: `TenantService.resolveTenant()` answers `main` whatever the path says, so another tenant
 * would silently write into `main`.
 */
export function ossTenantProblem(
  edition: string,
  version: string,
  tenant: string
): string | undefined {
  if (edition.toUpperCase() !== 'OSS' || tenant === 'main') return undefined
  return `the server is Kestra open-source ${version}, which has the single tenant 'main' and maps any other tenant to it, so '${tenant}' would deploy into 'main'. Set tenant to main (the default), or point server at an Enterprise Kestra that has tenant '${tenant}'`
}
