import { isUtf8 } from 'node:buffer'
import { hash } from 'node:crypto'
import { z } from 'zod'

export interface ContentSummary {
  size: number
  sha256: string
  binary: boolean
}

/** A text's size in UTF-8 bytes: what it weighs in a body, a file or a comment. */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8')

export function sha256Hex(content: string | Uint8Array): string {
  return hash('sha256', content, 'hex')
}

/** Whether two summaries tell the same bytes: size, digest and whether they are text. */
export function sameSummary(a: ContentSummary, b: ContentSummary): boolean {
  return a.size === b.size && a.sha256 === b.sha256 && a.binary === b.binary
}

/** Not text: holding a NUL byte anywhere, or not valid UTF-8 (as git and Kestra's editor see it). */
function isBinary(bytes: Uint8Array): boolean {
  return bytes.includes(0) || !isUtf8(bytes)
}

export function summaryOf(bytes: Uint8Array): ContentSummary {
  return { size: bytes.length, sha256: sha256Hex(bytes), binary: isBinary(bytes) }
}

/** Text as Kestra receives it from us: a leading BOM removed, CRLF and lone CR turned into LF. */
export function normaliseText(text: string): string {
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  // Most texts hold no CR: a scan for one is cheaper than a replacement that finds nothing.
  return unmarked.includes('\r') ? unmarked.replace(/\r\n?/g, '\n') : unmarked
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Text when the bytes are valid UTF-8 without NUL, as git and Kestra's editor treat them. */
export function decodeText(bytes: Uint8Array): string | undefined {
  return isBinary(bytes) ? undefined : utf8.decode(bytes)
}

/** Kestra's upload limit: a larger namespace file is an error, decided from its size alone. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024

/** A mapping (not null, not a list): what a value read from YAML, JSON or an event is walked as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * A table's own entry for a name read from a user, a file or a server, or undefined: never a property every object
 * inherits (`constructor`, `toString`, `__proto__`).
 */
export function entryOf<Table extends object>(
  table: Table,
  name: string
): Table[keyof Table] | undefined {
  return Object.hasOwn(table, name) ? table[name as keyof Table] : undefined
}

/**
 * Any JSON object. Like every schema that reads Kestra's answers or stored records, built once, at load: zod
 * compiles a schema's reader on its first parse, which costs more than the parse
 * (docs/performance.md#where-the-time-goes).
 */
export const jsonObject = z.record(z.string(), z.unknown())

/** A JSON value as one canonical text (keys sorted): what a JSON-valued kind (KV) compares, hashes and records. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isRecord(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
