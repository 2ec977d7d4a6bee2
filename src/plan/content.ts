import { isBinary, summaryOf } from '../content.js'
import type { ServerFile } from './input.js'
import type { FileContentSummary } from './types.js'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Text when the bytes are valid UTF-8 without NUL, as git and Kestra's editor treat them. */
export function decodeText(bytes: Uint8Array): string | undefined {
  return isBinary(bytes) ? undefined : utf8.decode(bytes)
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
