import type { ListingsApi, KestraApi } from '../../kestra/api.js'
import { parseVersion } from '../../kestra/era.js'
import { ApiError } from '../../kestra/errors.js'
import { errorMessage } from '../../model/errors.js'
import {
  kvLookupScopes,
  type Listed,
  type NameListings,
  type NameReference
} from '../../model/names.js'
import { atLeast } from '../../model/version.js'

/**
 * Reads the names that the flows' `secret()` and `kv()` calls need, never a value
 * (docs/caught-at-review.md#secrets-and-kv-keys): OSS secrets in one tenant-wide listing, Enterprise
 * secrets with two listings per namespace (its own, and what it inherits), KV keys in one search of
 * every namespace needed (servers before that search: one listing per namespace). A listing the server
 * cannot give becomes the reason, never a failure of the run and never a finding.
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
    kvNamespaces.size > 0 ? listed(() => kvKeys(api, [...kvNamespaces].sort())) : undefined
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
  if (edition.toUpperCase() !== 'EE') return { tenant: await api.secretNames() }
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

async function kvKeys(
  api: KestraApi & ListingsApi,
  namespaces: string[]
): Promise<Record<string, string[]>> {
  // Entries of the paged search name their namespace from 1.3 (docs/kestra.md#kv-listings); before, and
  // before the search itself (a 404), the keys are read namespace by namespace.
  const version = parseVersion((await api.info()).version)
  const named = !version || version[0] > 1 || (version[0] === 1 && version[1] >= 3)
  const entries = named ? await searchUnlessMissing(api, namespaces) : undefined
  if (entries?.every((entry) => entry.namespace !== undefined)) {
    const byNamespace: Record<string, string[]> = Object.fromEntries(
      namespaces.map((ns) => [ns, []])
    )
    for (const { namespace, key } of entries) byNamespace[namespace!]?.push(key)
    return byNamespace
  }
  const lists = await Promise.all(namespaces.map((ns) => api.namespaceKvKeys(ns)))
  return Object.fromEntries(namespaces.map((ns, i) => [ns, lists[i]!]))
}

async function searchUnlessMissing(
  api: ListingsApi,
  namespaces: string[]
): Promise<{ namespace?: string; key: string }[] | undefined> {
  try {
    return await api.kvKeys(namespaces)
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined
    throw error
  }
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
