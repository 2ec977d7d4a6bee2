/**
 * Ids in request paths (docs/kestra.md#path-segments): over every id, the request the client sends for it
 * reaches the route of exactly that id (the emulator's router decodes it back to the same id), or the id is
 * refused before anything is sent. Dot segments, separators, `%`, `?`, `#`, unicode and lone surrogates
 * included.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ActionError } from '../../../src/model/errors.js'
import { pathSegment, segmentProblem } from '../../../src/model/path-segment.js'
import { emulatedClientPerFile } from './test-server.js'
import { runs } from '../../../test-support/property-runs.js'
import { anyCodePoint } from '../../../test-support/code-points.js'

const TRICKY = [
  '.',
  '..',
  '...',
  '%2e%2e',
  '.%2E',
  '%2F',
  'a/b',
  '../x',
  'a\\b',
  '?',
  '#',
  '%',
  '%25',
  '+',
  ' ',
  '&x=1',
  ';a',
  'validate',
  'é',
  '🙂',
  '\uD800',
  'a\uDC00',
  '\u0000',
  '\n',
  '',
  '~',
  '*'
]

/** Ids of any characters, the awkward ones often. */
const ID = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: anyCodePoint, maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '%', '2', 'e', 'E', 'F', '?', '#', '\\'),
    maxLength: 6
  }),
  fc.tuple(fc.constantFrom(...TRICKY), fc.string({ maxLength: 4 })).map(([a, b]) => a + b)
)

const kestra = emulatedClientPerFile('1.3.25')

describe('an id in a request path addresses exactly that id', () => {
  it('reaches the route of that id, or is refused with nothing sent', async () => {
    await fc.assert(
      fc.asyncProperty(ID, async (id) => {
        kestra.emulator.clearLog()
        const problem = segmentProblem(id)
        if (problem !== undefined) {
          await expect(kestra.client.getDashboard(id)).rejects.toThrow(ActionError)
          await expect(kestra.client.deleteDashboard(id)).rejects.toThrow(/cannot be addressed/)
          expect(kestra.emulator.requests).toEqual([])
          return
        }
        expect(await kestra.client.getDashboard(id)).toBeUndefined()
        await kestra.client.deleteDashboard(id)
        expect(kestra.emulator.requests.map((r) => [r.route, r.params.id])).toEqual([
          ['dashboards.get', id],
          ['dashboards.delete', id]
        ])
      }),
      { numRuns: runs(300, 75) }
    )
  })

  it('refuses exactly the dot segments, separators and lone surrogates', () => {
    fc.assert(
      fc.property(ID, (id) => {
        const unsafe =
          id === '' ||
          id === '.' ||
          id === '..' ||
          /[/\\]/.test(id) ||
          Buffer.from(id, 'utf8').toString('utf8') !== id
        expect(segmentProblem(id) !== undefined).toBe(unsafe)
        if (!unsafe) expect(decodeURIComponent(pathSegment(id))).toBe(id)
      }),
      { numRuns: runs(2000, 500) }
    )
  })
})
