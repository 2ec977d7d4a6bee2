import type { KestraApi } from '../kestra/api.js'
import { serverFile } from '../plan/content.js'
import type { ActualNamespace } from '../plan/input.js'
import type { RepoModel } from '../repo/model.js'
import { fileKey } from '../validate/finding.js'

/**
 * Reads every managed namespace in bulk (flows and files); the client bounds the concurrency. A file's
 * bytes are dropped as they arrive when the repository holds the same: only a diff would need them.
 */
export async function readServerState(
  api: KestraApi,
  model: Pick<RepoModel, 'managedNamespaces' | 'files'>
): Promise<Map<string, ActualNamespace>> {
  const local = new Map<string, Set<string>>()
  for (const entry of model.files) {
    if (entry.symlinkEscapes) continue // never deployed: the server copy is planned for deletion
    const key = fileKey(entry.namespace, entry.path)
    local.set(key, (local.get(key) ?? new Set()).add(entry.sha256))
  }
  const entries = await Promise.all(
    model.managedNamespaces.map(async (namespace) => {
      const [flows, remote] = await Promise.all([
        api.listFlows(namespace),
        api.listFiles(namespace)
      ])
      const files = remote.map(({ path, bytes }) =>
        serverFile(path, bytes, ({ sha256 }) => {
          const shas = local.get(fileKey(namespace, path))
          return !(shas?.size === 1 && shas.has(sha256))
        })
      )
      return [namespace, { flows, files }] as const
    })
  )
  return new Map(entries)
}
