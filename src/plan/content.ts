import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import type { ServerFile } from './input.js'
import type { FileContentSummary } from './types.js'

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex')
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Text when the bytes are valid UTF-8 without NUL, as git and Kestra's editor treat them. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** Hash, size and text/binary verdict of some bytes (the verdict of decodeText, without building the string). */
export function summaryOf(bytes: Uint8Array): FileContentSummary {
  return {
    sha256: sha256Hex(bytes),
    size: bytes.length,
    binary: bytes.includes(0) || !isUtf8(bytes)
  }
}

/** A server file as the plan keeps it: summarised, with its bytes only when a diff may show them. */
export function serverFile(
  path: string,
  bytes: Uint8Array,
  keepBytes: (summary: FileContentSummary) => boolean
): ServerFile {
  const summary = summaryOf(bytes)
  return keepBytes(summary) ? { path, summary, bytes } : { path, summary }
}
