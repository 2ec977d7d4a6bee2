import fc from 'fast-check'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { kestraZip, type DeflatedEntry } from '../../test-support/kestra-emulator/context.js'
import { runs } from '../../test-support/property-runs.js'

const entriesArbitrary = fc.dictionary(
  fc
    .constantFrom('a.yml', 'b.yml', 'c/d.yml', 'é.yml')
    .chain((name) =>
      fc.oneof(fc.constant(name), fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }))
    )
    .filter((name) => !name.endsWith('/')),
  fc.uint8Array({ maxLength: 2_000 }),
  { maxKeys: 12 }
)

describe('the emulator export zip', () => {
  it('is read back by an independent reader, byte for byte, whether its entries come from the cache or not', () => {
    fc.assert(
      fc.property(entriesArbitrary, entriesArbitrary, (first, second) => {
        const cache = new Map<string, DeflatedEntry>()
        const warm = kestraZip(new Map(Object.entries(second)), cache)
        const merged = { ...second, ...first }
        const cached = kestraZip(new Map(Object.entries(merged)), cache)
        for (const [zip, entries] of [
          [warm, second],
          [cached, merged]
        ] as const) {
          const read = unzipSync(zip)
          expect(Object.keys(read).sort()).toEqual(Object.keys(entries).sort())
          for (const [name, bytes] of Object.entries(entries)) expect(read[name]).toEqual(bytes)
        }
        expect(Buffer.from(cached)).toEqual(Buffer.from(kestraZip(new Map(Object.entries(merged)))))
        // As ZipOutputStream writes an entry: flags 0x0808, its CRC and sizes zero before its bytes and in a
        // data descriptor after them, equal to the central directory's.
        if (Object.keys(merged).length > 0) {
          const zip = Buffer.from(cached)
          const central = zip.readUInt32LE(zip.length - 22 + 16)
          const [crc, compressed, size] = [16, 20, 24].map((at) => zip.readUInt32LE(central + at))
          expect(zip.readUInt16LE(6)).toBe(0x0808)
          expect([14, 18, 22].map((at) => zip.readUInt32LE(at))).toEqual([0, 0, 0])
          const descriptor = 30 + zip.readUInt16LE(26) + compressed!
          expect([0, 4, 8, 12].map((at) => zip.readUInt32LE(descriptor + at))).toEqual([
            0x08074b50,
            crc,
            compressed,
            size
          ])
        }
      }),
      { numRuns: runs(200, 20), seed: 20261125 }
    )
  })
})
