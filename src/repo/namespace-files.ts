import { createHash } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { TextDecoder } from 'node:util'
import { ActionError } from '../errors.js'
import { BINARY_SNIFF_BYTES, summariseHere, type SmallSummary } from './file-summaries.js'
import type { NamespaceFileEntry } from './model.js'

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

/** Size, SHA-256 and binary flag of a file, reading it exactly once (as a stream when large). */
export async function summariseContent(
  absPath: string,
  small: SmallSummary = summariseHere(absPath)
): Promise<ContentSummary> {
  if (small === 'large') return summariseStream(absPath)
  if ('error' in small) throw new Error(small.error)
  return small
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
