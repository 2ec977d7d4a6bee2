import { constants } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { MAX_FILE_BYTES } from '../../model/content.js'
import { ActionError } from '../../model/errors.js'
import type { NamespaceFileEntry } from '../../model/repository.js'

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
