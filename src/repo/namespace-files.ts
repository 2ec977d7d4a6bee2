import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { TextDecoder } from 'node:util'
import { ActionError } from '../errors.js'
import type { NamespaceFileEntry } from './model.js'

/** Files up to this size are read in one go; larger ones are hashed as a stream. */
const WHOLE_READ_LIMIT = 4 * 1024 * 1024
/** Where a NUL byte marks a file as binary (git's heuristic looks at the same span). */
const BINARY_SNIFF_BYTES = 8192

export interface ContentSummary {
  size: number
  sha256: string
  binary: boolean
}

export const EMPTY_CONTENT: ContentSummary = {
  size: 0,
  sha256: createHash('sha256').digest('hex'),
  binary: false
}

/** Holds one small file at a time while it is summarised: no allocation per file (the GC thanks us). */
let readBuffer: Buffer | undefined

/**
 * Size, SHA-256 and binary flag of a file, reading it exactly once. Small files are read
 * synchronously into one reused buffer: for thousands of files that is several times faster than
 * the thread pool and a fresh buffer each.
 */
export async function summariseContent(absPath: string): Promise<ContentSummary> {
  const fd = openSync(absPath, 'r')
  try {
    const { size } = fstatSync(fd)
    if (size <= WHOLE_READ_LIMIT) {
      readBuffer ??= Buffer.allocUnsafe(WHOLE_READ_LIMIT)
      let length = 0
      while (length < size) {
        const read = readSync(fd, readBuffer, length, size - length, null)
        if (read === 0) break
        length += read
      }
      const bytes = readBuffer.subarray(0, length)
      return {
        size: length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        binary: bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0) || !isUtf8(bytes)
      }
    }
  } finally {
    closeSync(fd)
  }
  return summariseStream(absPath)
}

async function summariseStream(absPath: string): Promise<ContentSummary> {
  const hash = createHash('sha256')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let size = 0
  let binary = false
  for await (const chunk of createReadStream(absPath, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer
    if (size < BINARY_SNIFF_BYTES && bytes.subarray(0, BINARY_SNIFF_BYTES - size).includes(0)) {
      binary = true
    }
    size += bytes.length
    hash.update(bytes)
    if (!binary) binary = !decodes(decoder, bytes)
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

/** Refused read of a namespace file whose bytes must not (or can no longer) be read. */
export class NamespaceFileReadError extends ActionError {
  override name = 'NamespaceFileReadError'
}

/** The bytes to upload for a namespace file. Refuses symlinks that escape `root`. */
export async function readNamespaceFileBytes(entry: NamespaceFileEntry): Promise<Uint8Array> {
  if (entry.symlinkEscapes) {
    throw new NamespaceFileReadError(
      `${entry.file} is a symbolic link that points outside the root folder; it is never read`
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
