import { constants } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import {
  type ApplyKind,
  type RollbackKind,
  settled,
  type Verdict
} from '../../engine/apply/kind.js'
import { restoreByHash } from '../../engine/apply/rollback.js'
import { recordedSchema, sha256Field } from '../../engine/apply/rollback-record.js'
import type { HistoryApi, KestraApi } from '../../adapters/kestra/api.js'
import type { RestoreItem } from '../../model/after-deploy.js'
import { MAX_FILE_BYTES, sha256Hex } from '../../model/content.js'
import { ActionError } from '../../model/errors.js'
import { type FileChange, resourceName } from '../../model/plan.js'
import type { NamespaceFileEntry } from '../../model/repository.js'

/** Uploads and deletes namespace files (docs/guarantees.md#compare-before-write). */
export const filesApply: ApplyKind<FileChange> = {
  name: 'file',
  async write(change, api, deploy) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no content for this file' }
    }
    const bytes = await deploy.readDesiredFile(change)
    if (sha256Hex(bytes) !== change.desired.sha256) {
      return {
        change,
        result: 'failed',
        message: `${change.file ?? resourceName(change)} changed on disk after the plan was made`
      }
    }
    const verdict = await freshFile(change, api)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    await api.uploadFile(change.namespace, change.path, bytes)
    return { change, result: change.action === 'create' ? 'created' : 'updated' }
  },
  async remove(change, api) {
    const verdict = await freshFile(change, api)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    await api.deleteFile(change.namespace, change.path)
    return { change, result: 'deleted' }
  },
  async held(namespace, api) {
    return (await api.listFiles(namespace)).map((file) => ({
      name: `file ${namespace}:${file.path}`,
      remove: () => api.deleteFile(namespace, file.path)
    }))
  }
}

/** The file itself, read right before its write (a listing would export every file). */
async function freshFile(change: FileChange, api: KestraApi): Promise<Verdict> {
  const bytes = await api.getFile(change.namespace, change.path)
  const remote = bytes && sha256Hex(bytes)
  const seen = change.action === 'create' ? undefined : change.current?.sha256
  if (remote === seen) return { kind: 'as-planned' }
  if (remote === (change.action === 'delete' ? undefined : change.desired?.sha256)) {
    return { kind: 'desired' }
  }
  const how = seen === undefined ? 'appeared' : remote === undefined ? 'was deleted' : 'changed'
  return {
    kind: 'moved',
    message: `file ${resourceName(change)} ${how} on the server after the plan`
  }
}

/** A file's version, by its bytes' hash; `revision` (Kestra 1.2+) or `bytes` (base64) say where they are. */
const fileVersion = z.object({
  sha256: sha256Field,
  size: z.int(),
  revision: z.int().optional(),
  bytes: z.string().optional()
})

/** A namespace file as a rollback records it (docs/rollback.md#the-record). */
const recordedFile = recordedSchema(
  'file',
  { path: z.string() },
  fileVersion,
  z.object({ sha256: sha256Field })
)
type RecordedFile = z.infer<typeof recordedFile>

/** Revisions read (newest first) to find the one that holds a file's previous bytes. */
const REVISIONS_SEARCHED = 3

/** Namespace files in a rollback: the previous bytes by their revision (Kestra 1.2+), else in the record. */
export const filesRollback: RollbackKind<FileChange, RecordedFile> = {
  name: 'file',
  recordOf(change, { result }) {
    const deleted = result === 'deleted' || change.action === 'delete'
    const before = change.current && { sha256: change.current.sha256, size: change.current.size }
    const deployed = deleted ? undefined : change.desired && { sha256: change.desired.sha256 }
    return {
      resource: { kind: 'file', path: change.path, before, deployed },
      previous: change.previous
    }
  },
  nameOf: (resource, namespace) => `${namespace}:${resource.path}`,
  parse: (value) => recordedFile.safeParse(value).data,
  /** A file the deploy deleted has no revision to read; a failed read only means the bytes go in the record. */
  async locate({ namespace, resource }, history) {
    if (!resource.before || !resource.deployed) return resource
    const none = () => undefined
    const revisions = await history.fileRevisions(namespace, resource.path).catch(none)
    const newest = [...(revisions ?? [])].sort((a, b) => b - a).slice(0, REVISIONS_SEARCHED)
    for (const revision of newest) {
      const bytes = await history.fileRevision(namespace, resource.path, revision).catch(none)
      if (bytes && sha256Hex(bytes) === resource.before.sha256) {
        return { ...resource, before: { ...resource.before, revision } }
      }
    }
    return resource
  },
  embed(resource, previous) {
    if (!resource.before || resource.before.revision !== undefined) return undefined
    if (!(previous instanceof Uint8Array)) return undefined
    const bytes = Buffer.from(previous).toString('base64')
    return {
      resource: { ...resource, before: { ...resource.before, bytes } },
      size: previous.length
    }
  },
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const now = await api.getFile(namespace, resource.path)
    const held = now ? { sha256: sha256Hex(now) } : {}
    return restoreByHash(resource, held, deployed, {
      remove: () => api.deleteFile(namespace, resource.path),
      async putBack(before) {
        await api.uploadFile(namespace, resource.path, await previousBytes(item, before, api))
        return 'previous content restored'
      }
    })
  }
}

async function previousBytes(
  item: RestoreItem<RecordedFile>,
  { sha256, size, revision, bytes }: z.infer<typeof fileVersion>,
  api: HistoryApi
): Promise<Uint8Array> {
  if (item.previous instanceof Uint8Array) return item.previous
  if (bytes !== undefined) {
    const recorded = Buffer.from(bytes, 'base64')
    if (sha256Hex(recorded) === sha256) return recorded
  }
  if (revision !== undefined) {
    const stored = await api.fileRevision(item.namespace, item.resource.path, revision)
    if (stored && sha256Hex(stored) === sha256) return stored
    throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`)
  }
  throw new Error(
    `its previous content (${size} bytes) was too large to keep in the rollback record; restore it from Git`
  )
}

/** Refused read of a namespace file whose bytes must not (or can no longer) be read. */
class NamespaceFileReadError extends ActionError {
  override name = 'NamespaceFileReadError'
}

/** The bytes to upload for a namespace file. Refuses symlinks that escape `root`. */
export async function readNamespaceFileBytes(entry: NamespaceFileEntry): Promise<Uint8Array> {
  if (entry.symlinkEscapes) {
    throw new NamespaceFileReadError(
      `${entry.file} is a symbolic link that points outside the root folder; it is never read`
    )
  }
  if (entry.size > MAX_FILE_BYTES) {
    throw new NamespaceFileReadError(
      `${entry.file} is over the ${MAX_FILE_BYTES / 2 ** 20} MiB limit of a namespace file; it is never read`
    )
  }
  if (entry.absPath === '') {
    throw new NamespaceFileReadError(
      `${entry.file} comes from a commit's tree, whose bytes are not kept; compare its sha256 instead`
    )
  }
  // absPath is never a link (a followed link's target is stored): refuse one that appeared since.
  return readFile(entry.absPath, { flag: constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) })
}
