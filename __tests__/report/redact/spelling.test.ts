/**
 * The redactor's candidate scan (`eachCandidate`, src/report/redact/spelling.ts) visits, in order, every
 * position of a range where its expression matches, whatever the range and whatever a visit scans in turn
 * with the same index. Seed recorded: 20261125.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eachCandidate, indexNeedles, needleOf } from '../../../src/report/redact/spelling.js'
import { runs } from '../../../test-support/property-runs.js'

const SEED = 20261125
const alphabet = fc.constantFrom('a', 'b', 'c', ' ', '\n', '\\', '%', '&', '+', '\u200b', 'é', '😀')
const text = fc.array(alphabet, { maxLength: 40 }).map((units) => units.join(''))
const needles = fc.array(
  fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((units) => units.join('')),
  { minLength: 1, maxLength: 4 }
)

/** Every position in [from, to) where the expression matches when read from that very position. */
function expected(source: RegExp, body: string, from: number, to: number): number[] {
  const sticky = new RegExp(source.source, 'y')
  const positions: number[] = []
  for (let at = from; at < Math.min(to, body.length); at++) {
    sticky.lastIndex = at
    if (sticky.test(body)) positions.push(at)
  }
  return positions
}

describe('the candidate scan', () => {
  it('visits every matching position of its range, in order, even when a visit scans too', () => {
    fc.assert(
      fc.property(
        needles,
        text,
        fc.nat(45),
        fc.nat(45),
        fc.boolean(),
        (words, body, a, b, nested) => {
          const index = indexNeedles(words.map(needleOf))
          const [from, to] = a <= b ? [a, b] : [b, a]
          const visited: number[] = []
          eachCandidate(body, index, from, to, (at) => {
            visited.push(at)
            if (nested) eachCandidate(body, index, 0, body.length, () => false)
            return false
          })
          expect(visited).toEqual(expected(index.candidates, body, from, to))
        }
      ),
      { seed: SEED, numRuns: runs(400, 100) }
    )
  })

  it('stops at the first visit that says so', () => {
    const index = indexNeedles([needleOf('ab')])
    const visited: number[] = []
    expect(eachCandidate('%ab%ab', index, 0, 6, (at) => (visited.push(at), at === 1))).toBe(true)
    expect(visited).toEqual([0, 1])
  })
})
