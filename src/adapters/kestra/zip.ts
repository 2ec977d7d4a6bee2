import { hash } from 'node:crypto'
import { constants, inflateRawSync } from 'node:zlib'
import { PREALLOCATED_AT_MOST, type HttpResponse, unreadableAnswer } from './transport.js'

interface ZipEntry {
  size: number
  /**
   * The entry's method and the SHA-256 of its stored bytes: one digest, the same bytes, since inflating is a
   * function of what is inflated (docs/performance.md#what-a-plan-knows-without-reading).
   */
  digest(): string
  /** A stored entry's are a view of the answer, a deflated one's are inflated at each call. */
  bytes(): Uint8Array
}

export function readZip(response: HttpResponse): Map<string, Uint8Array> {
  return new Map([...readZipEntries(response)].map(([name, entry]) => [name, entry.bytes()]))
}

/** Non-directory entries of a zip answer, by name; a broken archive or entry is an ApiError naming the request. */
export function readZipEntries(response: HttpResponse): Map<string, ZipEntry> {
  const unreadable = (error: unknown) =>
    unreadableAnswer(
      response,
      `the answer is not a readable zip archive (${(error as Error).message})`
    )
  let entries: Map<string, ZipEntry>
  try {
    entries = response.body.length === 0 ? new Map() : unzip(response.body, unreadable)
  } catch (error) {
    throw unreadable(error)
  }
  for (const name of entries.keys()) if (name.endsWith('/')) entries.delete(name)
  return entries
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_FIELDS = 0x0001
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
/** A 32-bit field holding this defers to the entry's zip64 extra field. */
const IN_ZIP64 = 0xffffffff
const STORED = 0
const DEFLATED = 8
const MIN_CHUNK = constants.Z_MIN_CHUNK

/**
 * Reads the central directory, zip64 included (Java writes it from 65,535 entries, or sizes and offsets of 4 GiB):
 * stored entries are views into the answer (an export can weigh hundreds of megabytes), deflated ones inflated
 * when asked for. A Map keeps every name (`__proto__` too). Encryption or another method is refused: Kestra
 * writes neither.
 */
function unzip(zip: Uint8Array, unreadable: (error: unknown) => Error): Map<string, ZipEntry> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const directory = centralDirectory(view, findEndOfCentralDirectory(view))
  const entries = new Map<string, ZipEntry>()
  const names = new TextDecoder()
  let at = directory.at
  for (let i = 0; i < directory.count; i++) {
    if (view.getUint32(at, true) !== CENTRAL_FILE_HEADER) throw new Error('bad central directory')
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    const name = names.decode(zip.subarray(at + 46, at + 46 + nameLength))
    if ((flags & 1) !== 0) throw new Error(`entry ${name} is encrypted`)
    if (method !== STORED && method !== DEFLATED) {
      throw new Error(`entry ${name} uses compression method ${method}`)
    }
    const { size, compressedSize, local } = entrySizes(view, at, name)
    if (view.getUint32(local, true) !== LOCAL_FILE_HEADER) throw new Error('bad local header')
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    const data = zip.subarray(start, start + compressedSize)
    if (data.length !== compressedSize) throw new Error(`truncated entry ${name}`)
    if (method === STORED && size !== compressedSize)
      throw new Error(`entry ${name} has the wrong size`)
    entries.set(name, {
      size,
      digest: () => `${method === STORED ? 's' : 'd'}${hash('sha256', data, 'base64url')}`,
      bytes: () => {
        if (method === STORED) return data
        try {
          const bytes = inflated(data, size)
          if (bytes.length !== size) throw new Error(`entry ${name} has the wrong size`)
          return bytes
        } catch (error) {
          throw unreadable(error)
        }
      }
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** The central directory's entry count and start: the end record's, or the zip64 end record's after a locator. */
function centralDirectory(view: DataView, end: number): { count: number; at: number } {
  const locator = end - 20
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
    return { count: view.getUint16(end + 10, true), at: view.getUint32(end + 16, true) }
  }
  const record = Number(view.getBigUint64(locator + 8, true))
  if (view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
    throw new Error('bad zip64 end of central directory')
  }
  return {
    count: Number(view.getBigUint64(record + 32, true)),
    at: Number(view.getBigUint64(record + 48, true))
  }
}

/**
 * An entry's sizes and local header offset; those at 0xffffffff come, in this order, from the zip64 extra field.
 */
function entrySizes(
  view: DataView,
  at: number,
  name: string
): { size: number; compressedSize: number; local: number } {
  const fields = [
    view.getUint32(at + 24, true),
    view.getUint32(at + 20, true),
    view.getUint32(at + 42, true)
  ]
  if (fields.includes(IN_ZIP64)) {
    const extra = at + 46 + view.getUint16(at + 28, true)
    let field = zip64Fields(view, extra, extra + view.getUint16(at + 30, true))
    for (const [i, value] of fields.entries()) {
      if (value !== IN_ZIP64) continue
      if (field === undefined || field.at + 8 > field.end) {
        throw new Error(`entry ${name} lacks its zip64 sizes`)
      }
      fields[i] = Number(view.getBigUint64(field.at, true))
      field = { ...field, at: field.at + 8 }
    }
  }
  const [size, compressedSize, local] = fields as [number, number, number]
  return { size, compressedSize, local }
}

/** Where the zip64 extra field's values lie among the extra fields from `start` to `end`, if it is there. */
function zip64Fields(
  view: DataView,
  start: number,
  end: number
): { at: number; end: number } | undefined {
  for (let at = start; at + 4 <= end; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) === ZIP64_FIELDS) {
      return { at: at + 4, end: Math.min(end, at + 4 + view.getUint16(at + 2, true)) }
    }
  }
  return undefined
}

/**
 * A deflated entry's bytes, a view over zlib's output: zlib writes into a buffer of the central directory's size,
 * not 16 kB per entry (10,000 small files would leave 160 MB to collect), and stops past it; as for a body, no
 * more than PREALLOCATED_AT_MOST is set aside on the answer's word.
 */
function inflated(data: Uint8Array, size: number): Uint8Array {
  const stored = storedBlocks(data, size)
  if (stored) return stored
  const buffer = inflateRawSync(data, {
    chunkSize: Math.max(MIN_CHUNK, Math.min(size + 1, PREALLOCATED_AT_MOST)),
    maxOutputLength: Math.max(1, size)
  })
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * The bytes of a deflate stream made only of stored blocks, read without zlib; undefined for any other stream,
 * which zlib then reads (and refuses if broken). Deflate stores what it cannot compress (images, archives: most
 * of an export's bytes) as blocks of a header byte (the final bit, type 00, padding), LEN, ~LEN and LEN bytes
 * (docs/performance.md#where-the-time-goes): a call into zlib costs more than copying
 * them.
 */
function storedBlocks(data: Uint8Array, size: number): Uint8Array | undefined {
  const blocks: Uint8Array[] = []
  let at = 0
  let total = 0
  for (let final = false; !final;) {
    if (at + 5 > data.length || (data[at]! & 0xfe) !== 0) return undefined
    final = data[at] === 1
    const length = data[at + 1]! | (data[at + 2]! << 8)
    if ((data[at + 3]! | (data[at + 4]! << 8)) !== (length ^ 0xffff)) return undefined
    if (at + 5 + length > data.length) return undefined
    blocks.push(data.subarray(at + 5, at + 5 + length))
    at += 5 + length
    total += length
  }
  if (at !== data.length || total !== size) return undefined
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, total)
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at
  }
  throw new Error('no end of central directory')
}
