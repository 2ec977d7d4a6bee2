import { createHash } from 'node:crypto'
import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { TextDecoder } from 'node:util'
import { MAX_FILE_BYTES, summaryOf, type ContentSummary } from '../../model/content.js'
import { ActionError } from '../../model/errors.js'
import type { NamespaceFileEntry } from '../../model/repository.js'

/** Files up to this size are read in one go; larger ones are hashed as a stream. */
const WHOLE_READ_LIMIT = 4 * 1024 * 1024

export const EMPTY_CONTENT: ContentSummary = summaryOf(new Uint8Array())

/**
 * Size, SHA-256 and binary flag of a regular file, reading it exactly once (as a stream when large).
 * A file over MAX_FILE_BYTES is judged by its size alone and never read (sha256 '', binary): it cannot be
 * deployed anyway. The file is opened once, without following a link: its size and its bytes are those of
 * that one opening.
 */
export async function summariseContent(absPath: string): Promise<ContentSummary> {
  // Synchronous for small files: one thread-pool trip per system call costs more than the read. The size
  // is asked of the file opened (never following a link that appeared since the walk), not of its path.
  const fd = openSync(absPath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  try {
    const { size } = fstatSync(fd)
    if (size > MAX_FILE_BYTES) return { size, sha256: '', binary: true }
    if (size > WHOLE_READ_LIMIT) return await summariseStream(fd)
    return summaryOf(readFileSync(fd))
  } finally {
    closeSync(fd)
  }
}

/** `summaryOf` of a large file opened as `fd` (left open), chunk by chunk (the same `isBinary` rule). */
async function summariseStream(fd: number): Promise<ContentSummary> {
  const hash = createHash('sha256')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let size = 0
  let binary = false
  for await (const chunk of createReadStream('', {
    fd,
    autoClose: false,
    highWaterMark: 1024 * 1024
  })) {
    const bytes = chunk as Buffer
    size += bytes.length
    hash.update(bytes)
    if (!binary) binary = bytes.includes(0) || !decodes(decoder, bytes)
  }
  if (!binary) binary = !decodes(decoder)
  return { size, sha256: hash.digest('hex'), binary }
}

function decodes(decoder: TextDecoder, bytes?: Uint8Array): boolean {
  try {
    if (bytes) decoder.decode(bytes, { stream: true })
    else decoder.decode()
    return true
  } catch {
    return false
  }
}

/** Whether the file is over the upload limit: its bytes are never read. */
export function isOversized(entry: Pick<NamespaceFileEntry, 'size'>): boolean {
  return entry.size > MAX_FILE_BYTES
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
  if (isOversized(entry)) {
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
