import fc from 'fast-check'
import { zipSync } from 'fflate'
import { crc32, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { kestraZip, type DeflatedEntry } from '../../test-support/kestra-emulator/context.js'
import { ApiError } from '../../src/kestra/errors.js'
import { PREALLOCATED_AT_MOST, type HttpResponse } from '../../src/kestra/transport.js'
import { readZip } from '../../src/kestra/zip.js'

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
      { numRuns: 150 }
    )
  })

  it('reads what zlib deflates (as Kestra does) byte for byte, stored blocks of bytes it cannot compress included (property)', () => {
    const content = contentUpTo(200_000)
    fc.assert(
      fc.property(fc.array(content, { maxLength: 4 }), (contents) => {
        const files = Object.fromEntries(contents.map((bytes, i) => [`f${i}.bin`, bytes]))
        const entries = readZip(answer(kestraZip(files)))
        for (const [path, bytes] of Object.entries(files)) {
          expect(Buffer.from(entries.get(path)!).equals(Buffer.from(bytes))).toBe(true)
        }
      }),
      { numRuns: 60, seed: 20261125 }
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
          const cache = new Map<string, DeflatedEntry>([
            [`e.bin\0${Buffer.from(bytes).toString('latin1')}`, { crc: crc32(bytes), size, data }]
          ])
          const zip = kestraZip({ 'e.bin': bytes }, cache)
          if (reference === undefined || reference.length !== size) {
            expect(() => readZip(answer(zip))).toThrow(/not a readable zip archive/)
          } else {
            expect(Buffer.from(readZip(answer(zip)).get('e.bin')!).equals(reference)).toBe(true)
          }
        }
      ),
      { numRuns: 2_000, seed: 20261125 }
    )
  })

  it('refuses a deflated entry whose size is not the one the central directory gives, smaller or larger', () => {
    for (const announced of [text.length - 1, text.length + 1, 0, 0xfffffffe]) {
      const zip = zipSync({ 'sql/q.sql': text }, { level: 6 })
      const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
      let at = zip.length - 22
      while (view.getUint32(at, true) !== 0x02014b50) at--
      view.setUint32(at + 24, announced, true)
      expect(() => readZip(answer(zip))).toThrow(/not a readable zip archive/)
    }
  })

  it('reads a deflated entry larger than what is set aside up front, byte for byte', () => {
    const large = new Uint8Array(
      Buffer.alloc(PREALLOCATED_AT_MOST + 3, 'date,amount\n2026-11-24,12.5\n')
    )
    const entries = readZip(answer(zipSync({ 'big.csv': large }, { level: 1 })))
    expect(Buffer.from(entries.get('big.csv')!).equals(Buffer.from(large))).toBe(true)
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
})
