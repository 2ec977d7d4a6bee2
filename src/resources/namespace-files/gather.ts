import type { KestraApi } from '../../adapters/kestra/api.js'
import type { FileChange } from '../../model/plan.js'
import type { DesiredFile } from '../../model/plan-input.js'
import type { NamespaceFileEntry, RepoModel } from '../../model/repository.js'
import { MAX_FILE_BYTES, sha256Hex } from '../../model/content.js'
import type { BaseFile } from './decide.js'
import { serverFilesOf } from './decide-server-state.js'
import { mapLimit } from '../../model/concurrency.js'
import { fileKey } from '../../model/targets.js'
import { withServerNames, type DesiredInput, type KnownInput } from '../../engine/snapshot/kind.js'
import { repoFilesOf } from './decide-repository.js'

/**
 * The files the repository wants on the server (`GatherKind.desired`): a file's bytes are read only where the
 * server's differ.
 */
export async function filesDesired(
  { model, state }: DesiredInput,
  readFileBytes: (entry: NamespaceFileEntry) => Promise<Uint8Array>
): Promise<DesiredFile[]> {
  const managed = new Set(model.managedNamespaces)
  const safe = repoFilesOf(model).filter(
    (entry) => !entry.symlinkEscapes && managed.has(entry.namespace)
  )
  const held = new Map<string, string>()
  for (const [namespace, actual] of state ?? []) {
    for (const file of serverFilesOf(actual))
      held.set(fileKey(namespace, file.path), file.summary.sha256)
  }
  const differing = safe.filter(
    (entry) =>
      entry.size <= MAX_FILE_BYTES &&
      held.get(fileKey(entry.namespace, entry.path)) !== entry.sha256
  )
  const bytes = new Map(
    await mapLimit(differing, 32, async (entry) => [entry, await readFileBytes(entry)] as const)
  )
  return safe.map((entry) => ({
    namespace: entry.namespace,
    path: entry.path,
    ...(bytes.has(entry) && { bytes: bytes.get(entry) }),
    sha256: entry.sha256,
    size: entry.size,
    binary: entry.binary,
    file: entry.file
  }))
}

/**
 * The namespace files known to exist, as `namespace\0path`: the repository's, the server's state's, and each
 * file a flow reads that the server holds (docs/kinds.md#what-one-kind-tells-another).
 */
export function filesKnown(input: KnownInput): Promise<Set<string>> {
  const { model, state } = input
  const held = new Set(repoFilesOf(model).map((f) => `${f.namespace}\0${f.path}`))
  for (const [namespace, actual] of state ?? []) {
    for (const file of serverFilesOf(actual)) held.add(`${namespace}\0${file.path}`)
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

/** What a commit held of namespace files (`GatherKind.base`). */
export function filesBase(model: RepoModel): Map<string, BaseFile> {
  return new Map(
    repoFilesOf(model).map(({ namespace, path, sha256, file }) => [
      fileKey(namespace, path),
      { namespace, path, sha256, file }
    ])
  )
}

/** A file's version at the base commit, from its bytes there. */
export function fileOfBytes(change: FileChange, bytes: Uint8Array): BaseFile {
  const { namespace, path, file } = change
  return { namespace, path, sha256: sha256Hex(bytes), file: file! }
}
