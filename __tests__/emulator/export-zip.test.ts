import fc from 'fast-check'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { kestraZip, type DeflatedEntry } from '../../test-support/kestra-emulator/context.js'

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
        const warm = kestraZip(second, cache)
        const merged = { ...second, ...first }
        const cached = kestraZip(merged, cache)
        for (const [zip, entries] of [
          [warm, second],
          [cached, merged]
        ] as const) {
          const read = unzipSync(zip)
          expect(Object.keys(read).sort()).toEqual(Object.keys(entries).sort())
          for (const [name, bytes] of Object.entries(entries)) expect(read[name]).toEqual(bytes)
        }
        expect(Buffer.from(cached)).toEqual(Buffer.from(kestraZip(merged)))
      }),
      { numRuns: 200, seed: 20261125 }
    )
  })
})
