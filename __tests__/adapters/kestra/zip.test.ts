import fc from 'fast-check'
import { zipSync } from 'fflate'
import { crc32, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  deflatedKey,
  kestraZip,
  type DeflatedEntry
} from '../../../test-support/kestra-emulator/context.js'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import { PREALLOCATED_AT_MOST, type HttpResponse } from '../../../src/adapters/kestra/transport.js'
import { readZip, readZipEntries } from '../../../src/adapters/kestra/zip.js'
import { runs } from '../../../test-support/property-runs.js'

function answer(body: Uint8Array): HttpResponse {
  return {
    method: 'GET',
    path: '/export',
    status: 200,
    headers: {},
    body,
    attempts: 1,
    sentBytes: 0
  }
}

/** Lengths drawn over the whole range (fast-check's own arrays stay short), text that deflates and bytes that do not. */
function contentUpTo(max: number): fc.Arbitrary<Uint8Array> {
  return fc
    .record({ length: fc.nat({ max }), seed: fc.nat(), text: fc.boolean() })
    .map(({ length, seed, text }) =>
      Uint8Array.from({ length }, (_, i) =>
        text ? 97 + ((seed + (i % 61)) % 26) : (Math.imul(seed + i, 2654435761) >>> 24) & 255
      )
    )
}

const text = new TextEncoder().encode('select 1;\n'.repeat(500))
const binary = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)

/** Which of an entry's 32-bit fields a zip64 writer moved to its extra field: size, compressed size, local offset. */
type Moved = readonly [boolean, boolean, boolean]

/**
 * The archive as a zip64 writer would have written it: the `moved` fields of each entry at 0xffffffff with their
 * values in a zip64 extra field (after an extended timestamp, as `ZipOutputStream` writes one, when `stamped`),
 * and with `end`, a zip64 end record and locator before an end record whose `placeholders` defer to it.
 */
function asZip64(
  zip: Uint8Array,
  moved: readonly Moved[],
  stamped: boolean,
  end?: { placeholders: readonly [boolean, boolean, boolean] }
): Uint8Array {
  const source = Buffer.from(zip)
  const endAt = source.length - 22
  const count = source.readUInt16LE(endAt + 10)
  const directoryAt = source.readUInt32LE(endAt + 16)
  const headers: Buffer[] = []
  let at = directoryAt
  for (let i = 0; i < count; i++) {
    const nameLength = source.readUInt16LE(at + 28)
    const header = Buffer.from(source.subarray(at, at + 46 + nameLength))
    const values = [header.readUInt32LE(24), header.readUInt32LE(20), header.readUInt32LE(42)]
    const inExtra = values.filter((_, field) => moved[i]![field])
    const zip64 = Buffer.alloc(4 + 8 * inExtra.length)
    zip64.writeUInt16LE(1, 0)
    zip64.writeUInt16LE(8 * inExtra.length, 2)
    inExtra.forEach((value, k) => zip64.writeBigUInt64LE(BigInt(value), 4 + 8 * k))
    const stamp = Buffer.from([0x55, 0x54, 5, 0, 1, 0, 0, 0, 0])
    const extra = Buffer.concat([
      ...(stamped ? [stamp] : []),
      ...(inExtra.length > 0 ? [zip64] : [])
    ])
    header.writeUInt16LE(extra.length, 30)
    for (const [field, offset] of [24, 20, 42].entries()) {
      if (moved[i]![field]) header.writeUInt32LE(0xffffffff, offset)
    }
    headers.push(header, extra)
    at += 46 + nameLength + source.readUInt16LE(at + 30) + source.readUInt16LE(at + 32)
  }
  const directory = Buffer.concat(headers)
  const records: Buffer[] = []
  const last = Buffer.from(source.subarray(endAt))
  last.writeUInt32LE(directory.length, 12)
  if (end) {
    const record = Buffer.alloc(56)
    record.writeUInt32LE(0x06064b50, 0)
    record.writeBigUInt64LE(44n, 4)
    record.writeBigUInt64LE(BigInt(count), 24)
    record.writeBigUInt64LE(BigInt(count), 32)
    record.writeBigUInt64LE(BigInt(directory.length), 40)
    record.writeBigUInt64LE(BigInt(directoryAt), 48)
    const locator = Buffer.alloc(20)
    locator.writeUInt32LE(0x07064b50, 0)
    locator.writeBigUInt64LE(BigInt(directoryAt + directory.length), 8)
    locator.writeUInt32LE(1, 16)
    records.push(record, locator)
    const [counts, size, offset] = end.placeholders
    if (counts) {
      last.writeUInt16LE(0xffff, 8)
      last.writeUInt16LE(0xffff, 10)
    }
    if (size) last.writeUInt32LE(0xffffffff, 12)
    if (offset) last.writeUInt32LE(0xffffffff, 16)
  }
  return Buffer.concat([source.subarray(0, directoryAt), directory, ...records, last])
}

/** The emulator's cache holding `data` as the deflated bytes of each entry: a zip then carries them as they are. */
function deflatedAs(entries: readonly (readonly [string, Uint8Array, Uint8Array])[]) {
  return new Map<string, DeflatedEntry>(
    entries.map(([name, bytes, data]) => [
      deflatedKey(name, bytes),
      { crc: crc32(bytes), size: bytes.length, data: Buffer.from(data) }
    ])
  )
}

/** The central directory entry of `name` in a small archive (no comment, no zip64). */
function centralEntry(zip: Uint8Array, name: string): number {
  const source = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  let at = source.readUInt32LE(source.length - 22 + 16)
  while (source.toString('utf8', at + 46, at + 46 + source.readUInt16LE(at + 28)) !== name) {
    at +=
      46 +
      source.readUInt16LE(at + 28) +
      source.readUInt16LE(at + 30) +
      source.readUInt16LE(at + 32)
  }
  return at
}

describe('readZip', () => {
  for (const level of [0, 6] as const) {
    it(`reads every file of a ${level === 0 ? 'stored' : 'deflated'} archive byte for byte, folders left out`, () => {
      const zip = zipSync(
        {
          'sql/q.sql': text,
          'img/logo.png': binary,
          'empty/': new Uint8Array(0),
          'ü.txt': new Uint8Array([1])
        },
        { level }
      )
      const entries = readZip(answer(zip))
      expect([...entries.keys()].sort()).toEqual(['img/logo.png', 'sql/q.sql', 'ü.txt'])
      expect(Buffer.from(entries.get('sql/q.sql')!).equals(Buffer.from(text))).toBe(true)
      expect(Buffer.from(entries.get('img/logo.png')!).equals(Buffer.from(binary))).toBe(true)
    })
  }

  it('reads any set of entries, stored or deflated as Kestra sends them, byte for byte (property)', () => {
    const name = fc
      .stringMatching(/^[a-z0-9_][a-z0-9_./-]{0,30}[a-z0-9_]$/)
      .filter((n) => !n.includes('//') && n !== '__proto__')
    const content = contentUpTo(40_000)
    fc.assert(
      fc.property(
        fc.dictionary(name, content, { maxKeys: 12 }),
        fc.constantFrom(0, 1, 6, 9),
        (files, level) => {
          const entries = readZip(answer(zipSync(files, { level: level as 0 | 1 | 6 | 9 })))
          expect([...entries.keys()].sort()).toEqual(Object.keys(files).sort())
          for (const [path, bytes] of Object.entries(files)) {
            expect(Buffer.from(entries.get(path)!).equals(Buffer.from(bytes))).toBe(true)
          }
        }
      ),
      { numRuns: runs(150, 10) }
    )
  })

  it('reads what zlib deflates (as Kestra does) byte for byte, stored blocks of bytes it cannot compress included (property)', () => {
    const content = contentUpTo(200_000)
    fc.assert(
      fc.property(fc.array(content, { maxLength: 4 }), (contents) => {
        const files = new Map(contents.map((bytes, i) => [`f${i}.bin`, bytes]))
        const entries = readZip(answer(kestraZip(files)))
        for (const [path, bytes] of files) {
          expect(Buffer.from(entries.get(path)!).equals(Buffer.from(bytes))).toBe(true)
        }
      }),
      { numRuns: runs(60, 20), seed: 20261125 }
    )
  })

  it('reads any entry that looks stored exactly as zlib does: the same bytes, or refused (property)', () => {
    // Stored blocks of random lengths, most well formed; some cut or padded, with a wrong ~LEN, another type
    // (2: fixed Huffman) or padding bits set (9), then maybe a few bytes more.
    const rarely = <T>(usual: T, other: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: other })
    const block = fc.record({
      header: rarely(0, fc.constantFrom(1, 2, 9)),
      length: fc.nat({ max: 300 }),
      inverseBroken: rarely(false, fc.constant(true)),
      extra: rarely(0, fc.integer({ min: -3, max: 3 }))
    })
    const stream = fc
      .record({
        blocks: fc.array(block, { maxLength: 3 }),
        last: block.map((last) => ({ ...last, header: last.header === 0 ? 1 : last.header })),
        tail: rarely(new Uint8Array(0), fc.uint8Array({ minLength: 1, maxLength: 3 }))
      })
      .map(({ blocks: first, last, tail }) => [[...first, last], tail] as const)
      .map(([blocks, tail]) => ({
        data: Buffer.concat([
          ...blocks.map(({ header, length, inverseBroken, extra }) => {
            const head = Buffer.from([header, length & 255, length >> 8, 0, 0])
            head.writeUInt16LE(length ^ 0xffff ^ (inverseBroken ? 1 : 0), 3)
            return Buffer.concat([head, Buffer.alloc(Math.max(0, length + extra), length & 255)])
          }),
          tail
        ]),
        declared: blocks.reduce((sum, { length }) => sum + length, 0)
      }))
    fc.assert(
      fc.property(
        stream,
        fc.boolean(),
        fc.integer({ min: -2, max: 2 }),
        ({ data, declared }, asDeclared, shift) => {
          let reference: Buffer | undefined
          try {
            reference = inflateRawSync(data)
          } catch {
            reference = undefined
          }
          // The size the central directory gives: what the blocks declare, or what zlib reads, give or take.
          const size = Math.max(0, (asDeclared || !reference ? declared : reference.length) + shift)
          // A zip whose entry carries `data` as its deflated bytes: the emulator's cache holds it for the entry.
          const bytes = new Uint8Array(size)
          const zip = kestraZip(new Map([['e.bin', bytes]]), deflatedAs([['e.bin', bytes, data]]))
          if (reference === undefined || reference.length !== size) {
            expect(() => readZip(answer(zip))).toThrow(/not a readable zip archive/)
          } else {
            expect(Buffer.from(readZip(answer(zip)).get('e.bin')!).equals(reference)).toBe(true)
          }
        }
      ),
      { numRuns: runs(2_000, 200), seed: 20261125 }
    )
  })

  it('reads zip64 archives as any writer lays them out, every name kept, __proto__ included (property)', () => {
    const name = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'ü/ß.txt',
        'a b/c.sql'
      ),
      fc.stringMatching(/^[a-z0-9_][a-z0-9_./-]{0,20}[a-z0-9_]$/).filter((n) => !n.includes('//'))
    )
    const moved = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean())
    const archive = fc
      .uniqueArray(fc.tuple(name, contentUpTo(5_000)), { selector: ([n]) => n, maxLength: 8 })
      .chain((files) =>
        fc.record({
          files: fc.constant(files),
          moved: fc.array(moved, { minLength: files.length, maxLength: files.length }),
          stamped: fc.boolean(),
          end: fc.option(fc.record({ placeholders: moved }), { nil: undefined })
        })
      )
    fc.assert(
      fc.property(archive, ({ files, moved, stamped, end }) => {
        const zip = asZip64(kestraZip(new Map(files)), moved, stamped, end)
        const entries = readZip(answer(zip))
        expect([...entries.keys()].sort()).toEqual(files.map(([n]) => n).sort())
        for (const [path, bytes] of files) {
          expect(Buffer.from(entries.get(path)!).equals(Buffer.from(bytes))).toBe(true)
        }
      }),
      { numRuns: runs(300, 50), seed: 20261125 }
    )
  })

  it('reads an export of 65,534, 65,535 and 65,536 files, the last two in zip64 form as ZipOutputStream writes them (65,536 in the unit loop)', () => {
    const all: [string, Buffer][] = Array.from({ length: 65_536 }, (_, i) => [
      `d${i % 97}/f${i}.txt`,
      Buffer.from(`${i}\n`)
    ])
    // Each entry as one stored block, given through the emulator's cache: deflating 65,536 entries takes seconds.
    const stored = (bytes: Buffer) => {
      const block = Buffer.allocUnsafe(5 + bytes.length)
      block[0] = 1
      block.writeUInt16LE(bytes.length, 1)
      block.writeUInt16LE(bytes.length ^ 0xffff, 3)
      bytes.copy(block, 5)
      return block
    }
    // One cache for the three archives (it is looked up by name and bytes), made once.
    const cache = deflatedAs(all.map(([path, bytes]) => [path, bytes, stored(bytes)]))
    // The unit loop reads the one whose count the end record cannot hold (a reader blind to zip64 finds 65,535).
    for (const count of [65_534, 65_535, 65_536].slice(-runs(3, 1))) {
      const files = new Map(all.slice(0, count))
      const zip = Buffer.from(kestraZip(files, cache))
      const end = zip.length - 22
      expect(zip.readUInt16LE(end + 10)).toBe(Math.min(count, 0xffff))
      expect(zip.readUInt32LE(end - 20) === 0x07064b50).toBe(count >= 0xffff)
      const entries = readZip(answer(zip))
      expect(entries.size).toBe(count)
      const differing = [...files].filter(
        ([path, bytes]) => !bytes.equals(entries.get(path) ?? Buffer.alloc(1))
      )
      expect(differing).toEqual([])
    }
  })

  it('refuses, naming the entry, an encrypted entry, another method, and a field that defers to zip64 sizes it lacks', () => {
    const broken: [string, (zip: Buffer, at: number) => void, RegExp][] = [
      [
        'encrypted',
        (zip, at) => zip.writeUInt16LE(zip.readUInt16LE(at + 8) | 1, at + 8),
        /entry b\.txt is encrypted/
      ],
      [
        'bzip2',
        (zip, at) => zip.writeUInt16LE(12, at + 10),
        /entry b\.txt uses compression method 12/
      ],
      [
        'no zip64 field',
        (zip, at) => zip.writeUInt32LE(0xffffffff, at + 42),
        /entry b\.txt lacks its zip64 sizes/
      ]
    ]
    for (const [, breakIt, message] of broken) {
      const zip = Buffer.from(
        kestraZip(
          new Map([
            ['a.txt', text],
            ['b.txt', binary]
          ])
        )
      )
      breakIt(zip, centralEntry(zip, 'b.txt'))
      expect(() => readZip(answer(zip))).toThrow(message)
      expect(() => readZip(answer(zip))).toThrow(/not a readable zip archive/)
    }
    const short = asZip64(kestraZip(new Map([['b.txt', binary]])), [[true, true, false]], false)
    const lacking = Buffer.from(short)
    // The zip64 field says it holds 16 bytes but the entry's extra length keeps only 8 of them.
    lacking.writeUInt16LE(12, centralEntry(short, 'b.txt') + 30)
    expect(() => readZip(answer(lacking))).toThrow(/not a readable zip archive/)
  })

  it('refuses a deflated entry whose size is not the one the central directory gives, smaller or larger', () => {
    for (const announced of [text.length - 1, text.length + 1, 0, 0xfffffffe, 0xffffffff]) {
      const zip = zipSync({ 'sql/q.sql': text }, { level: 6 })
      const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
      let at = zip.length - 22
      while (view.getUint32(at, true) !== 0x02014b50) at--
      view.setUint32(at + 24, announced, true)
      expect(() => readZip(answer(zip))).toThrow(/not a readable zip archive/)
    }
  })

  it('reads a deflated entry larger than what is set aside up front, byte for byte', () => {
    const large = Buffer.alloc(PREALLOCATED_AT_MOST + 3, 'date,amount\n2026-11-24,12.5\n')
    // Deflated by zlib (kestraZip) rather than fflate: the same entry, in a quarter of the time.
    const entries = readZip(answer(kestraZip(new Map([['big.csv', large]]))))
    expect(large.equals(entries.get('big.csv')!)).toBe(true)
  })

  it('reads an empty answer as no files', () => {
    expect(readZip(answer(new Uint8Array(0))).size).toBe(0)
  })

  it('says the answer is not a zip archive when it is not one', () => {
    const broken = zipSync({ 'a.txt': text }, { level: 0 }).subarray(0, 200)
    expect(() => readZip(answer(broken))).toThrow(ApiError)
    expect(() => readZip(answer(new TextEncoder().encode('<html>login</html>')))).toThrow(
      /not a readable zip archive/
    )
  })

  it('gives one digest to entries stored alike and never to two entries of different bytes (property)', () => {
    // Contents drawn from a small pool, so that equal bytes meet often; each archive at its own level.
    const pool = fc.array(contentUpTo(5_000), { minLength: 1, maxLength: 4 })
    fc.assert(
      fc.property(
        pool.chain((contents) =>
          fc.tuple(
            fc.constant(contents),
            fc.array(
              fc.record({
                pick: fc.nat({ max: contents.length - 1 }),
                level: fc.constantFrom(0, 1, 6, 9)
              }),
              { minLength: 2, maxLength: 8 }
            )
          )
        ),
        ([contents, picks]) => {
          const seen = picks.map(({ pick, level }, i) => {
            const zip = zipSync({ [`f${i}`]: contents[pick]! }, { level: level as 0 | 1 | 6 | 9 })
            const entry = readZipEntries(answer(zip)).get(`f${i}`)!
            return {
              bytes: Buffer.from(entry.bytes()),
              digest: entry.digest(),
              size: entry.size,
              pick,
              level
            }
          })
          for (const a of seen) {
            expect(a.size).toBe(a.bytes.length)
            for (const b of seen) {
              if (a.digest === b.digest) expect(a.bytes.equals(b.bytes)).toBe(true)
              if (a.pick === b.pick && a.level === b.level) expect(a.digest).toBe(b.digest)
            }
          }
        }
      ),
      { numRuns: runs(150, 50) }
    )
  })

  it('lists an entry whose deflated bytes are broken, its digest known, and refuses its bytes when read', () => {
    const zip = zipSync({ 'a.txt': text }, { level: 6 })
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
    // The first byte of the deflate stream: block type 3 is reserved, which no inflater accepts.
    const start = 30 + view.getUint16(26, true) + view.getUint16(28, true)
    zip[start] = 0x07
    const entry = readZipEntries(answer(zip)).get('a.txt')!
    expect(entry.digest()).toMatch(/^d[A-Za-z0-9_-]{43}$/)
    expect(() => entry.bytes()).toThrow(ApiError)
    expect(() => entry.bytes()).toThrow(/not a readable zip archive/)
  })
})
