import { COMMIT_MARKER_KEY } from '../model/commit-marker.js'
import { ROLLBACK_RECORD_KEY } from '../model/after-deploy.js'
import { errorMessage } from '../model/errors.js'
import type { KestraApi } from '../kestra/api.js'
import { mapLimit } from '../model/concurrency.js'

export interface RemovalResult {
  /** `flow ns.id`, `file ns:/path`, `kv ns:key`, in the order deleted. */
  deleted: string[]
  /** What could not be deleted, with the server's answer. */
  failed: string[]
}

/** The namespace belongs to the preview: it is `<prefix>.<something>`. Checked before every delete. */
export function inPreview(prefix: string, namespace: string): boolean {
  return namespace.startsWith(`${prefix}.`) && namespace.length > prefix.length + 1
}

/**
 * Deletes everything the action keeps in the preview's namespaces (docs/environments.md#previews): their
 * flows, namespace files and the action's KV entries (commit marker, rollback record). A namespace outside
 * the prefix is refused, whatever asked for it. One failed delete does not stop the others.
 */
export async function removePreview(
  api: KestraApi,
  prefix: string,
  namespaces: readonly string[],
  options: { concurrency: number; log(message: string): void }
): Promise<RemovalResult> {
  const result: RemovalResult = { deleted: [], failed: [] }
  const attempt = async (what: string, namespace: string, remove: () => Promise<void>) => {
    if (!inPreview(prefix, namespace)) {
      result.failed.push(`${what}: refused, not inside the preview prefix ${prefix}.`)
      return
    }
    try {
      await remove()
      result.deleted.push(what)
      options.log(`deleted ${what}`)
    } catch (error) {
      result.failed.push(`${what}: ${errorMessage(error)}`)
    }
  }
  await mapLimit(namespaces, options.concurrency, async (namespace) => {
    if (!inPreview(prefix, namespace)) {
      result.failed.push(
        `namespace ${namespace}: refused, it is not inside the preview prefix ${prefix}.`
      )
      return
    }
    const [flows, files] = await Promise.all([api.listFlows(namespace), api.listFiles(namespace)])
    for (const file of files) {
      await attempt(`file ${namespace}:${file.path}`, namespace, () =>
        api.deleteFile(namespace, file.path)
      )
    }
    for (const flow of flows) {
      await attempt(`flow ${namespace}.${flow.id}`, namespace, () =>
        api.deleteFlow(namespace, flow.id)
      )
    }
    for (const key of [ROLLBACK_RECORD_KEY, COMMIT_MARKER_KEY]) {
      if ((await api.getKv(namespace, key)) === undefined) continue
      await attempt(`kv ${namespace}:${key}`, namespace, () => api.deleteKv(namespace, key))
    }
  })
  return result
}
