import { isEnterprise } from '../../model/kestra.js'
import type { KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import { atLeast, parseVersion } from '../../model/version.js'
import { ApiError } from '../../adapters/kestra/errors.js'
import { liveKvKeys } from '../../adapters/kestra/listings.js'
import { errorMessage } from '../../model/errors.js'
import {
  kvLookupScopes,
  type Listed,
  type NameListings,
  type NameReference
} from '../../model/names.js'

/**
 * The names the flows' `secret()` and `kv()` calls need, never a value
 * (docs/caught-at-review.md#secrets-and-kv-keys): OSS secrets tenant-wide, Enterprise ones per namespace (own and
 * inherited), KV keys in one search. A listing the server cannot give becomes the reason, never a failure of the
 * run nor a finding.
 */
export async function readNameListings(
  api: KestraApi & ListingsApi,
  refs: readonly NameReference[]
): Promise<NameListings> {
  const secretScopes = new Set<string>()
  const kvNamespaces = new Set<string>()
  const kvOwnNamespaceOnly = refs.some((ref) => ref.kind === 'kv') && (await kvLooksInOwnOnly(api))
  for (const ref of refs) {
    if (ref.kind === 'secret') secretScopes.add(ref.namespace ?? ref.flowNamespace)
    else for (const scope of kvLookupScopes(ref, kvOwnNamespaceOnly)) kvNamespaces.add(scope)
  }
  const [secrets, kv] = await Promise.all([
    secretScopes.size > 0 ? listed(() => secretNames(api, [...secretScopes].sort())) : undefined,
    kvNamespaces.size > 0 ? listed(() => liveKvKeys(api, [...kvNamespaces].sort())) : undefined
  ])
  return {
    ...(secrets && { secrets }),
    ...(kv && { kv }),
    ...(kvOwnNamespaceOnly && { kvOwnNamespaceOnly: true as const })
  }
}

/** Kestra before 0.22 looks a `kv()` key up in the flow's namespace only (docs/kestra.md#kv-inheritance). */
async function kvLooksInOwnOnly(api: KestraApi): Promise<boolean> {
  const version = await api.info().then(
    (info) => parseVersion(info.version),
    () => undefined
  )
  return version !== undefined && !atLeast(version, [0, 22, 0])
}

async function secretNames(
  api: KestraApi & ListingsApi,
  namespaces: string[]
): Promise<{ tenant?: string[]; byNamespace?: Record<string, string[]> }> {
  const { edition } = await api.info()
  if (!isEnterprise(edition)) return { tenant: await api.secretNames() }
  // Which namespaces `inherited-secrets` answers for is not documented: the namespace's own are read too.
  const entries = await Promise.all(
    namespaces.map(async (namespace) => {
      const [own, inherited] = await Promise.all([
        api.namespaceSecretNames(namespace),
        api.inheritedSecretNames(namespace)
      ])
      return [namespace, [...own, ...inherited]] as [string, string[]]
    })
  )
  return { byNamespace: Object.fromEntries(entries) }
}

async function listed<T>(read: () => Promise<T>): Promise<Listed<T>> {
  try {
    return { listed: true, value: await read() }
  } catch (error) {
    return { listed: false, reason: unlistedReason(error) }
  }
}

function unlistedReason(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) {
    return `the server has no such listing: ${error.method} ${error.path.replace(/\?.*/, '')} answered 404 (an older Kestra, or an edition without it)`
  }
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return `no permission to list them: ${error.method} ${error.path.replace(/\?.*/, '')} answered ${error.status}`
  }
  return `the listing failed: ${errorMessage(error)}`
}
