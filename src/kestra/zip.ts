import { unzipSync } from 'fflate'
import { constants, inflateRawSync } from 'node:zlib'
import { ApiError } from './errors.js'
import { PREALLOCATED_AT_MOST, type HttpResponse } from './transport.js'

/** Non-directory entries of a zip answer, by entry name. */
export function readZip(response: HttpResponse): Map<string, Uint8Array> {
  let entries: Map<string, Uint8Array>
  try {
    entries = response.body.length === 0 ? new Map() : unzip(response.body)
  } catch (error) {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: `the answer is not a readable zip archive (${(error as Error).message})`
    })
  }
  for (const name of entries.keys()) if (name.endsWith('/')) entries.delete(name)
  return entries
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
const STORED = 0
const DEFLATED = 8
const MIN_CHUNK = constants.Z_MIN_CHUNK

/**
 * Reads the central directory; stored entries are views into the answer (no copy: a namespace export
 * can weigh hundreds of megabytes) and deflated ones are inflated natively. Archives this reader does
 * not cover (zip64, encryption, other methods) go to fflate.
 */
function unzip(zip: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const end = findEndOfCentralDirectory(view)
  const count = view.getUint16(end + 10, true)
  let at = view.getUint32(end + 16, true)
  if (count === 0xffff || at === 0xffffffff) return fflateUnzip(zip)
  const entries = new Map<string, Uint8Array>()
  const names = new TextDecoder()
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== CENTRAL_FILE_HEADER) throw new Error('bad central directory')
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    const compressedSize = view.getUint32(at + 20, true)
    const size = view.getUint32(at + 24, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    const local = view.getUint32(at + 42, true)
    const name = names.decode(zip.subarray(at + 46, at + 46 + nameLength))
    const unusual =
      (flags & 1) !== 0 ||
      (method !== STORED && method !== DEFLATED) ||
      compressedSize === 0xffffffff ||
      size === 0xffffffff ||
      local === 0xffffffff
    if (unusual) return fflateUnzip(zip)
    if (view.getUint32(local, true) !== LOCAL_FILE_HEADER) throw new Error('bad local header')
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    const data = zip.subarray(start, start + compressedSize)
    if (data.length !== compressedSize) throw new Error(`truncated entry ${name}`)
    const bytes = method === STORED ? data : inflated(data, size)
    if (bytes.length !== size) throw new Error(`entry ${name} has the wrong size`)
    entries.set(name, bytes)
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/**
 * A deflated entry's bytes (Kestra deflates every entry), as a plain view over what zlib returns, not a copy.
 * zlib writes into a buffer of the size the central directory gives, not one of 16 kB per entry (an export
 * of 10,000 small files would leave 160 MB for the collector), and stops past that size. That size is the
 * answer's word: as for a body, no more than PREALLOCATED_AT_MOST is set aside before bytes really come.
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
 * (docs/performance.md#stored-blocks-read-without-zlib-alternating): a call into zlib costs more than copying them.
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

function fflateUnzip(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(zip)))
}
