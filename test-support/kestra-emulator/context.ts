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
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const [name, bytes] of entries) {
    const entry = deflatedEntry(name, bytes, cache)
    const fileName = Buffer.from(name, 'utf8')
    const common = Buffer.alloc(26)
    common.writeUInt16LE(20, 0) // version needed
    common.writeUInt16LE(0x0808, 2) // a data descriptor follows; names in UTF-8
    common.writeUInt16LE(8, 4) // deflated
    common.writeUInt16LE(0, 6) // time
    common.writeUInt16LE(0x21, 8) // date: 1980-01-01
    common.writeUInt16LE(fileName.byteLength, 22)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    common.copy(local, 4)
    common.writeUInt32LE(entry.crc, 10)
    common.writeUInt32LE(entry.data.byteLength, 14)
    common.writeUInt32LE(entry.size, 18)
    const descriptor = Buffer.alloc(16)
    descriptor.writeUInt32LE(0x08074b50, 0)
    common.copy(descriptor, 4, 10, 22)
    locals.push(local, fileName, entry.data, descriptor)
    const header = Buffer.alloc(46)
    header.writeUInt32LE(0x02014b50, 0)
    header.writeUInt16LE(20, 4) // made by
    common.copy(header, 6)
    header.writeUInt32LE(offset, 42)
    central.push(header, fileName)
    offset += local.byteLength + fileName.byteLength + entry.data.byteLength + descriptor.byteLength
  }
  const count = central.length / 2
  const directorySize = central.reduce((sum, part) => sum + part.byteLength, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Math.min(count, 0xffff), 8)
  end.writeUInt16LE(Math.min(count, 0xffff), 10)
  end.writeUInt32LE(directorySize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...central, ...zip64End(count, directorySize, offset), end])
}

/**
 * From 65,535 entries on, `ZipOutputStream.writeEND` puts the counts in a zip64 end record and its locator
 * before the end record, which says 0xffff. (Sizes and offsets of 4 GiB, which would also take zip64, do not
 * occur in the emulator.)
 */
function zip64End(count: number, directorySize: number, directoryAt: number): Buffer[] {
  if (count < 0xffff) return []
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
  return [record, locator]
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
