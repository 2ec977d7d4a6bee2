import type { KestraApi, ListingsApi } from '../../kestra/api.js'
import { liveKvKeys } from '../../kestra/listings.js'
import { errorMessage } from '../../model/errors.js'
import { ROLLBACK_RECORD_KEY } from '../../model/after-deploy.js'

/**
 * The values under the rollback-record key of these namespaces, as stored (docs/rollback.md#finishing-a-stopped-rollback):
 * one listing of keys tells which namespaces hold one (docs/performance.md#where-the-requests-go), and only
 * those are read; every namespace is read when the listing cannot tell (it failed, or could not be read
 * whole). A record that cannot be read leaves unknown whether the server is half rolled back: that throws.
 */
export async function readRollbackRecords(
  api: KestraApi & ListingsApi,
  namespaces: readonly string[]
): Promise<Map<string, unknown>> {
  const holding = new Set(await namespacesHoldingRecords(api, namespaces))
  const values = await Promise.all(
    namespaces.map(async (namespace) => {
      if (!holding.has(namespace)) return undefined
      try {
        return await api.getKv(namespace, ROLLBACK_RECORD_KEY)
      } catch (error) {
        throw new Error(
          `could not read whether a rollback is unfinished in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`,
          { cause: error }
        )
      }
    })
  )
  const found = new Map<string, unknown>()
  namespaces.forEach((namespace, i) => {
    if (values[i] !== undefined) found.set(namespace, values[i])
  })
  return found
}

async function namespacesHoldingRecords(
  api: KestraApi & ListingsApi,
  namespaces: readonly string[]
): Promise<readonly string[]> {
  try {
    // A listing that cannot be read whole is an error (docs/kestra.md#paged-listings), never a part.
    const keys = await liveKvKeys(api, [...namespaces])
    return namespaces.filter((namespace) => keys[namespace]?.includes(ROLLBACK_RECORD_KEY))
  } catch {
    // Read each namespace's record instead: its own failure is the one reported.
  }
  return namespaces
}
