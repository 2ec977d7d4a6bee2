/**
 * test-support/code-points.ts: `anyCodePoint` is fast-check's `unit: 'binary'` read back without its table, so a
 * property written with it draws, seed for seed, the strings `unit: 'binary'` draws (dangerous strings included).
 * Comparing with fast-check's own takes its table (2.5 s): that comparison runs in the properties project.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  anyCodePoint,
  CODE_POINTS,
  codePointAt,
  indexOfCodePoint
} from '../../test-support/code-points.js'
import { runs } from '../../test-support/property-runs.js'

const SEEDS = runs(12, 0)

describe('anyCodePoint', () => {
  it('maps each index to one code point, in order, every one but the surrogates, and reads it back', () => {
    let previous = -1
    const wrong: number[] = []
    for (let index = 0; index < CODE_POINTS; index++) {
      const character = codePointAt(index)
      const point = character.codePointAt(0)!
      // The next code point each time, U+D800 to U+DFFF (the surrogates) left out.
      if (point !== (previous === 0xd7ff ? 0xe000 : previous + 1)) wrong.push(index)
      if (indexOfCodePoint(character) !== index) wrong.push(index)
      previous = point
    }
    expect(wrong).toEqual([])
    expect(previous).toBe(0x10ffff)
    for (const other of ['', 'ab', '\uD800', '\uDFFF', '\uD83D', 'e\u0301', 7, undefined]) {
      expect(anyCodePoint.canShrinkWithoutContext(other)).toBe(false)
    }
  })

  it.skipIf(SEEDS === 0)(
    'reads back the characters fast-check’s binary unit does, and draws its strings, seed for seed',
    () => {
      const theirs = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
      const ours = fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 1 })
      // Both sides of each edge of the set, and every 89th code point between.
      const points = [0, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff, 0x10000, 0x10ffff]
      for (let point = 0; point <= 0x10ffff; point += 89) points.push(point)
      const disagree = points.filter((point) => {
        const character = String.fromCodePoint(point)
        return theirs.canShrinkWithoutContext(character) !== ours.canShrinkWithoutContext(character)
      })
      expect(disagree).toEqual([])
      const shapes = [{}, { maxLength: 12 }, { minLength: 1, maxLength: 8 }, { maxLength: 3000 }]
      for (let seed = 0; seed < SEEDS; seed++) {
        for (const shape of shapes) {
          expect(
            fc.sample(fc.string({ unit: anyCodePoint, ...shape }), { seed, numRuns: 300 }),
            JSON.stringify({ seed, shape })
          ).toEqual(fc.sample(fc.string({ unit: 'binary', ...shape }), { seed, numRuns: 300 }))
        }
      }
    }
  )
})
