import type { KestraApi } from '../../adapters/kestra/api.js'
import type { FileChange } from '../../model/plan.js'
import { withServerNames, type KnownInput } from '../../engine/snapshot/kind.js'

/**
 * The namespace files known to exist, as `namespace\0path`: the repository's, the server's state's, and each
 * file a flow reads that the server holds (docs/kinds.md#what-one-kind-tells-another).
 */
export function filesKnown(input: KnownInput): Promise<Set<string>> {
  const { model, state } = input
  const held = new Set(model.files.map((f) => `${f.namespace}\0${f.path}`))
  for (const [namespace, actual] of state ?? []) {
    for (const file of actual.files) held.add(`${namespace}\0${file.path}`)
  }
  return withServerNames(
    held,
    input,
    async (api, namespace, path) => (await api.getFile(namespace, path)) !== undefined
  )
}

/** The server's bytes of a file the plan did not keep, for the drift pull request. */
export function fileServerCopy(
  api: KestraApi,
  change: FileChange
): Promise<Uint8Array | undefined> {
  return api.getFile(change.namespace, change.path)
}
