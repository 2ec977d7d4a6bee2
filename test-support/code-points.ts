/**
 * fast-check's `unit: 'binary'` (any code point but a lone surrogate) as `fc.string({ unit: anyCodePoint })`: the
 * same arbitrary, `nat` over the 1,112,064 code points each index mapped to its own in order, so a seed draws the
 * same strings, but read back by arithmetic. fast-check reads a character back from a table of all of them that it
 * builds on first use (to find its dangerous strings' characters): 2.5 s of CPU in each worker of the unit loop.
 */
import fc from 'fast-check'

const SURROGATES_FROM = 0xd800
const SURROGATES = 0xe000 - SURROGATES_FROM
export const CODE_POINTS = 0x110000 - SURROGATES

/** The code point of index `index`, in order: U+0000 to U+D7FF, then U+E000 to U+10FFFF. */
export function codePointAt(index: number): string {
  return String.fromCodePoint(index < SURROGATES_FROM ? index : index + SURROGATES)
}

/** The index of a one-code-point string; throws for anything else, a lone surrogate included. */
export function indexOfCodePoint(value: unknown): number {
  const point = typeof value === 'string' ? value.codePointAt(0) : undefined
  if (point === undefined || String.fromCodePoint(point) !== value) {
    throw new Error('not one code point')
  }
  if (point >= SURROGATES_FROM && point < SURROGATES_FROM + SURROGATES) {
    throw new Error('a lone surrogate')
  }
  return point < SURROGATES_FROM ? point : point - SURROGATES
}

export const anyCodePoint: fc.Arbitrary<string> = fc
  .nat({ max: CODE_POINTS - 1 })
  .map(codePointAt, indexOfCodePoint)
