import fc from 'fast-check'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
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
    // Lengths drawn over the whole range (fast-check's own arrays stay short), text that deflates and bytes that do not.
    const content = fc
      .record({ length: fc.nat({ max: 40_000 }), seed: fc.nat(), text: fc.boolean() })
      .map(({ length, seed, text }) =>
        Uint8Array.from({ length }, (_, i) =>
          text ? 97 + ((seed + (i % 61)) % 26) : (Math.imul(seed + i, 2654435761) >>> 24) & 255
        )
      )
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
