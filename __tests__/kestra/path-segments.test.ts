/**
 * Ids in request paths (docs/kestra.md#path-segments): over every id, the request the client sends for it
 * reaches the route of exactly that id (the emulator's router decodes it back to the same id), or the id is
 * refused before anything is sent. Dot segments, separators, `%`, `?`, `#`, unicode and lone surrogates
 * included.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KestraClient } from '../../src/kestra/client.js'
import { ActionError } from '../../src/model/errors.js'
import { pathSegment, segmentProblem } from '../../src/model/path-segment.js'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import { emulatedClient } from './test-server.js'

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
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '%', '2', 'e', 'E', 'F', '?', '#', '\\'),
    maxLength: 6
  }),
  fc.tuple(fc.constantFrom(...TRICKY), fc.string({ maxLength: 4 })).map(([a, b]) => a + b)
)

let emulator: Emulator
let client: KestraClient
let close: () => Promise<void>

beforeAll(async () => {
  ;({ emulator, client, close } = await emulatedClient('1.3.25'))
})

afterAll(() => close())

describe('an id in a request path addresses exactly that id', () => {
  it('reaches the route of that id, or is refused with nothing sent', async () => {
    await fc.assert(
      fc.asyncProperty(ID, async (id) => {
        emulator.clearLog()
        const problem = segmentProblem(id)
        if (problem !== undefined) {
          await expect(client.getDashboard(id)).rejects.toThrow(ActionError)
          await expect(client.deleteDashboard(id)).rejects.toThrow(/cannot be addressed/)
          expect(emulator.requests).toEqual([])
          return
        }
        expect(await client.getDashboard(id)).toBeUndefined()
        await client.deleteDashboard(id)
        expect(emulator.requests.map((r) => [r.route, r.params.id])).toEqual([
          ['dashboards.get', id],
          ['dashboards.delete', id]
        ])
      }),
      { numRuns: 300 }
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
      { numRuns: 2000 }
    )
  })
})
