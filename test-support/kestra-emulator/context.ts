/** What a route handler receives and returns. */
import { Unzip, UnzipInflate } from 'fflate'
import type { IncomingHttpHeaders } from 'node:http'
import { crc32, deflateRawSync } from 'node:zlib'
import type { Executions } from './executions.js'
import type { MatchedRoute } from './routes.js'
import type { FlowCheck } from './flow-validation.js'
import type { EmulatorState } from './store.js'
import type { Features } from './version.js'

/** `kestra.system-flows.namespace` at its default (docs/kestra.md#namespaces). */
export const SYSTEM_NAMESPACE = 'system'

export interface ResolvedOptions {
  version: string
  edition: 'OSS' | 'EE'
  tenant: string
  problemJson: boolean
  validateErrorsList: boolean
  knownTypes: (type: string) => boolean
  dropEmptyFileParts: boolean
  inheritedSecretsIncludeOwn: boolean
}

export interface EmulatorCore {
  state: EmulatorState
  executions: Executions
  features: Features
  options: ResolvedOptions
  /** Valid verdicts by source (see flow-ops `check`): the same flows are validated over and over. */
  checks: Map<string, FlowCheck>
  /**
   * Deflated export entries by name and bytes: the same flows are exported over and over, grouped as each client
   * batches them, so an export is assembled from its entries (large benchmarks).
   */
  deflated: Map<string, DeflatedEntry>
  /** The last export of each namespace's files (its store), reused while no file changed (large benchmarks). */
  fileExports: WeakMap<object, { key: string; zip: Uint8Array }>
}

export interface DeflatedEntry {
  crc: number
  size: number
  data: Buffer
}

export interface RequestContext {
  method: string
  /** Path and query, for `_links.self.href`. */
  href: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** Media type without parameters, lower-cased. */
  mediaType?: string
  body: Buffer
  params: MatchedRoute['params']
  tenant: string
}

export interface Reply {
  status: number
  /** Replaces the HTTP reason phrase, as Kestra's ErrorController does. */
  reason?: string
  headers?: Record<string, string>
  body?: Buffer | string
}

export function jsonReply(value: unknown, status = 200): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(value)
  }
}

export function emptyReply(status = 200): Reply {
  return { status }
}

/**
 * A zip of `entries` as Kestra builds its exports: `java.util.zip.ZipOutputStream` with its defaults, so every
 * entry deflated at the default level, its name marked UTF-8, and its CRC and sizes in a data descriptor after
 * its bytes (zero in the local header), the central directory holding them too
 * (`NamespaceFileController.exportNamespaceFiles`, `HasSource.asZipFile` for the flow exports;
 * docs/kestra.md#export-flows). `cache` keeps each entry's deflated bytes for the next export that holds it.
 * A Map of entries, not an object keyed by name: an entry named `__proto__` is one like any other.
 */
export function kestraZip(
  entries: ReadonlyMap<string, Uint8Array>,
  cache?: Map<string, DeflatedEntry>
): Uint8Array {
  // Sized first, then written into one buffer: an export of 65,536 entries is built in one allocation.
  const parts = [...entries].map(([name, bytes]) => ({
    fileName: Buffer.from(name, 'utf8'),
    entry: deflatedEntry(name, bytes, cache)
  }))
  const count = parts.length
  let directoryAt = 0
  let directorySize = 0
  for (const { fileName, entry } of parts) {
    directoryAt += 30 + fileName.byteLength + entry.data.byteLength + 16
    directorySize += 46 + fileName.byteLength
  }
  const tail = zip64End(count, directorySize, directoryAt)
  const zip = Buffer.alloc(directoryAt + directorySize + tail.byteLength + 22)
  let local = 0
  let central = directoryAt
  const common = Buffer.alloc(26)
  for (const { fileName, entry } of parts) {
    common.fill(0)
    common.writeUInt16LE(20, 0) // version needed
    common.writeUInt16LE(0x0808, 2) // a data descriptor follows; names in UTF-8
    common.writeUInt16LE(8, 4) // deflated
    common.writeUInt16LE(0, 6) // time
    common.writeUInt16LE(0x21, 8) // date: 1980-01-01
    common.writeUInt16LE(fileName.byteLength, 22)
    // The local header: CRC and sizes zero, in the data descriptor after the bytes.
    zip.writeUInt32LE(0x04034b50, local)
    common.copy(zip, local + 4)
    fileName.copy(zip, local + 30)
    const dataAt = local + 30 + fileName.byteLength
    entry.data.copy(zip, dataAt)
    common.writeUInt32LE(entry.crc, 10)
    common.writeUInt32LE(entry.data.byteLength, 14)
    common.writeUInt32LE(entry.size, 18)
    const descriptorAt = dataAt + entry.data.byteLength
    zip.writeUInt32LE(0x08074b50, descriptorAt)
    common.copy(zip, descriptorAt + 4, 10, 22)
    zip.writeUInt32LE(0x02014b50, central)
    zip.writeUInt16LE(20, central + 4) // made by
    common.copy(zip, central + 6)
    zip.writeUInt32LE(local, central + 42)
    fileName.copy(zip, central + 46)
    central += 46 + fileName.byteLength
    local = descriptorAt + 16
  }
  tail.copy(zip, central)
  const end = central + tail.byteLength
  zip.writeUInt32LE(0x06054b50, end)
  zip.writeUInt16LE(Math.min(count, 0xffff), end + 8)
  zip.writeUInt16LE(Math.min(count, 0xffff), end + 10)
  zip.writeUInt32LE(directorySize, end + 12)
  zip.writeUInt32LE(directoryAt, end + 16)
  return zip
}

/**
 * From 65,535 entries on, `ZipOutputStream.writeEND` puts the counts in a zip64 end record and its locator
 * before the end record, which says 0xffff. (Sizes and offsets of 4 GiB, which would also take zip64, do not
 * occur in the emulator.)
 */
function zip64End(count: number, directorySize: number, directoryAt: number): Buffer {
  if (count < 0xffff) return Buffer.alloc(0)
  const record = Buffer.alloc(56)
  record.writeUInt32LE(0x06064b50, 0)
  record.writeBigUInt64LE(44n, 4) // the record's size after this field
  record.writeUInt16LE(45, 12) // made by
  record.writeUInt16LE(45, 14) // version needed
  record.writeBigUInt64LE(BigInt(count), 24)
  record.writeBigUInt64LE(BigInt(count), 32)
  record.writeBigUInt64LE(BigInt(directorySize), 40)
  record.writeBigUInt64LE(BigInt(directoryAt), 48)
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(directoryAt + directorySize), 8)
  locator.writeUInt32LE(1, 16) // disks
  return Buffer.concat([record, locator])
}

/**
 * The entries of an uploaded zip, in the archive's order, read entry by entry from their local headers as a
 * `ZipInputStream` reads them (Kestra 1.x extracts namespace-file uploads through `ProtectedZipInputStream`); a
 * pair each, so that an entry named `__proto__` is one like any other. Throws on an archive it cannot read.
 */
export function zipEntries(data: Uint8Array): [string, Uint8Array][] {
  const found: [string, Uint8Array][] = []
  const reader = new Unzip((file) => {
    const chunks: Uint8Array[] = []
    file.ondata = (error, chunk, final) => {
      if (error) throw error
      chunks.push(chunk)
      if (final) found.push([file.name, Buffer.concat(chunks)])
    }
    file.start()
  })
  reader.register(UnzipInflate)
  reader.push(data, true)
  return found
}

const DEFLATED_KEPT = 100_000

/** Where `cache` keeps an entry's deflated bytes: by its name and its bytes. */
export function deflatedKey(name: string, bytes: Uint8Array): string {
  return `${name}\0${Buffer.from(bytes).toString('latin1')}`
}

function deflatedEntry(
  name: string,
  bytes: Uint8Array,
  cache?: Map<string, DeflatedEntry>
): DeflatedEntry {
  const deflate = () => ({
    crc: crc32(bytes),
    size: bytes.byteLength,
    data: deflateRawSync(bytes, { level: 6 })
  })
  if (!cache) return deflate()
  const key = deflatedKey(name, bytes)
  let entry = cache.get(key)
  if (!entry) {
    if (cache.size >= DEFLATED_KEPT) cache.clear()
    cache.set(key, (entry = deflate()))
  }
  return entry
}

export function zipReply(bytes: Uint8Array, filename: string): Reply {
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${filename}"`
    },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
}

/** The one query value of a parameter, or undefined. */
export function queryValue(ctx: RequestContext, name: string): string | undefined {
  return ctx.query.get(name) ?? undefined
}
