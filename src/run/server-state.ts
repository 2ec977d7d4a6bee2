import type { KestraApi } from '../kestra/api.js'
import type { ActualNamespace } from '../plan/input.js'

/** Reads every managed namespace in bulk (flows and files); the client bounds the concurrency. */
export async function readServerState(
  api: KestraApi,
  namespaces: readonly string[]
): Promise<Map<string, ActualNamespace>> {
  const entries = await Promise.all(
    namespaces.map(async (namespace) => {
      const [flows, files] = await Promise.all([api.listFlows(namespace), api.listFiles(namespace)])
      return [namespace, { flows, files }] as const
    })
  )
  return new Map(entries)
}
