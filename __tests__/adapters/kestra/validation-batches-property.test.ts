/**
 * Validation batches stay within the body a proxy accepts, and a 413 loses no verdict
 * (docs/kestra.md#validation-behind-a-proxy).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FlowValidation } from '../../../src/resources/flows/gather-verdicts.js'
import type { KestraClient } from '../../../src/adapters/kestra/client.js'
import {
  batchCount,
  MAX_BATCH,
  MAX_BATCH_BYTES,
  planBatches
} from '../../../src/adapters/kestra/validate.js'
import { utf8Length } from '../../../src/model/content.js'
import type { ServerValidation as Verdict } from '../../../src/model/kestra.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { Emulator } from '../../../test-support/kestra-emulator/index.js'
import { emulatedClient } from './test-server.js'
import { runs } from '../../../test-support/property-runs.js'

const SEPARATOR = '\n---\n'
const alone = (source: string) => /(^|\n)---/.test(source) || source.trim() === ''
const body = (sources: readonly string[], batch: number[]) =>
  batch.map((index) => sources[index]).join(SEPARATOR)

describe('planBatches', () => {
  const source = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.string({
        unit: fc.constantFrom('a', 'é', '😀', ' ', '\n', '-', ':'),
        maxLength: 40
      })
    },
    { weight: 1, arbitrary: fc.constantFrom('', '  \n', '---\nid: a\n', 'id: a\n--- # b\n') }
  )

  it('sends each source once, within the bound, a larger one alone, and fills each batch before the next', () => {
    fc.assert(
      fc.property(
        fc.array(source, { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 120 }),
        (sources, count, bytes) => {
          const batches = planBatches(sources, { count, bytes })
          expect(batches.flat().sort((a, b) => a - b)).toEqual(sources.map((_, i) => i))
          const joined: number[][] = []
          for (const batch of batches) {
            expect(batch).toEqual([...batch].sort((a, b) => a - b))
            if (batch.length === 1 && alone(sources[batch[0]!]!)) continue
            expect(batch.some((i) => alone(sources[i]!))).toBe(false)
            joined.push(batch)
            if (batch.length === 1) continue
            expect(batch.length).toBeLessThanOrEqual(count)
            expect(utf8Length(body(sources, batch))).toBeLessThanOrEqual(bytes)
          }
          // Greedy: the first source of each next batch would not have fitted the one before.
          for (let k = 1; k < joined.length; k++) {
            const grown = [...joined[k - 1]!, joined[k]![0]!]
            const over = grown.length > count || utf8Length(body(sources, grown)) > bytes
            expect(over).toBe(true)
          }
        }
      ),
      { numRuns: runs(2000, 200), seed: 20261125 }
    )
  })

  it('by default, 250 flows or 512 KiB a request', () => {
    const small = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `id: f${i}\n`)
    expect(planBatches(small).map((b) => b.length)).toEqual([MAX_BATCH, 1])
    const large = Array.from({ length: 10 }, (_, i) => `id: f${i}\n#${'x'.repeat(120 * 1024)}\n`)
    const batches = planBatches(large)
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2])
    for (const batch of batches) {
      expect(utf8Length(body(large, batch))).toBeLessThanOrEqual(MAX_BATCH_BYTES)
    }
  })
})

function flowSource(i: number, padding: string, known: boolean): string {
  const type = known ? 'io.kestra.plugin.core.log.Log' : 'io.kestra.plugin.nowhere.Missing'
  return `id: f${i}\nnamespace: team\ntasks:\n  - id: t\n    type: ${type}\n    message: "${padding}"\n`
}

describe('validation behind a proxy with a lower body limit', () => {
  let emulator: Emulator
  let client: KestraClient
  let close: () => Promise<void>
  let limit = Infinity
  const validations = () => emulator.requests.filter((r) => r.route === 'flows.validate')

  beforeAll(async () => {
    ;({ emulator, client, close } = await emulatedClient('1.3.25'))
    // A proxy in front of the server: it refuses any body over the limit, as nginx does.
    emulator.inject({
      route: 'flows.validate',
      where: (request) => request.bodyBytes > limit,
      times: Infinity,
      status: 413,
      body: '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>'
    })
  })
  afterAll(async () => close())

  async function verdicts(sources: string[], proxyLimit: number): Promise<Verdict[]> {
    limit = proxyLimit
    try {
      return await client.validateFlows(sources)
    } finally {
      limit = Infinity
    }
  }

  it('gives every flow the verdict it has without the proxy, or, refused alone, says what to raise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            padding: fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' '), maxLength: 600 }),
            known: fc.boolean()
          }),
          { minLength: 1, maxLength: 24 }
        ),
        fc.integer({ min: 100, max: 6000 }),
        async (flows, proxyLimit) => {
          const sources = flows.map((flow, i) => flowSource(i, flow.padding, flow.known))
          const reference = await verdicts(sources, Infinity)
          emulator.clearLog()
          const behind = await verdicts(sources, proxyLimit)
          expect(behind.map((v) => v.index)).toEqual(sources.map((_, i) => i))
          behind.forEach((verdict, i) => {
            if (utf8Length(sources[i]!) > proxyLimit) {
              const bytes = utf8Length(sources[i]!).toLocaleString('en-US')
              expect(verdict).toEqual({
                index: i,
                errors: [],
                outdated: false,
                deprecationPaths: [],
                warnings: [],
                infos: [],
                noVerdict: {
                  cause: 'too large',
                  message: expect.stringContaining(
                    `refused a body of ${bytes} bytes as too large (413`
                  )
                }
              })
              expect(verdict.noVerdict?.message).toContain('client_max_body_size')
            } else {
              expect(verdict).toEqual(reference[i])
            }
          })
          for (const request of validations()) {
            if (request.status === 200) expect(request.bodyBytes).toBeLessThanOrEqual(proxyLimit)
          }
        }
      ),
      { numRuns: runs(60, 4), seed: 20261125 }
    )
  })

  it('loses no verdict whichever request of the plan is refused', async () => {
    const sources = Array.from({ length: MAX_BATCH * 2 + 10 }, (_, i) =>
      flowSource(i, 'x', i % 7 !== 3)
    )
    const reference = await verdicts(sources, Infinity)
    const requests = planBatches(sources).length
    for (let position = 1; position <= requests; position++) {
      emulator.clearLog()
      emulator.inject({ route: 'flows.validate', skip: position - 1, status: 413 })
      expect(await verdicts(sources, Infinity)).toEqual(reference)
      expect(validations().filter((r) => r.status === 413)).toHaveLength(1)
      expect(validations()).toHaveLength(requests + 2) // the refused one, again as two halves
    }
  })

  it('sends flows as they load in the same requests as planned at once, none over the bound', async () => {
    emulator.clearLog()
    const sources = Array.from({ length: 40 }, (_, i) => flowSource(i, 'y'.repeat(30_000), true))
    const validation = new FlowValidation(client, 8)
    for (const [i, source] of sources.entries()) {
      validation.add(parseFlowFile({ file: `team/f${i}.yml`, rel: `team/f${i}.yml`, raw: source }))
    }
    const answers = await validation.answers()
    expect(answers.flatMap((a) => a.results).every((v) => v.errors.length === 0)).toBe(true)
    const sent = validations()
    expect(sent.map((r) => r.bodyBytes)).toEqual(
      planBatches(sources).map((batch) => utf8Length(body(sources, batch)))
    )
    expect(Math.max(...sent.map((r) => r.bodyBytes))).toBeLessThanOrEqual(MAX_BATCH_BYTES)
  })

  it('sizes the requests for the repository: MAX_BATCH flows each, or one request a place when more', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2_100 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 120 }),
        async (flows, concurrency, padding) => {
          emulator.clearLog()
          const sources = Array.from({ length: flows }, (_, i) =>
            flowSource(i, 'p'.repeat(i % 3 === 0 ? padding : 0), i % 11 !== 5)
          )
          const validation = new FlowValidation(client, concurrency)
          validation.placed(flows)
          for (const [i, source] of sources.entries()) {
            validation.add(
              parseFlowFile({ file: `team/f${i}.yml`, rel: `team/f${i}.yml`, raw: source })
            )
          }
          const answers = await validation.answers()
          const results = answers.flatMap((answer) => answer.results)
          expect(results).toHaveLength(flows)
          expect(results.filter((v) => v.errors.length > 0)).toHaveLength(
            sources.filter((_, i) => i % 11 === 5).length
          )
          const count = batchCount(flows, concurrency)
          expect(count).toBeGreaterThanOrEqual(MAX_BATCH)
          const sent = validations()
          const byLength = (a: number, b: number) => a - b
          expect(sent.map((r) => r.bodyBytes).sort(byLength)).toEqual(
            planBatches(sources, { count, bytes: MAX_BATCH_BYTES })
              .map((batch) => utf8Length(body(sources, batch)))
              .sort(byLength)
          )
          expect(Math.max(0, ...sent.map((r) => r.bodyBytes))).toBeLessThanOrEqual(MAX_BATCH_BYTES)
          // Unless the body's bound decides: MAX_BATCH flows a request, or one request a place when more.
          const largest = Math.max(0, ...sources.map(utf8Length))
          if ((largest + SEPARATOR.length) * count <= MAX_BATCH_BYTES) {
            expect(sent.length).toBe(
              flows > MAX_BATCH * concurrency ? concurrency : Math.ceil(flows / MAX_BATCH)
            )
          }
        }
      ),
      { numRuns: runs(12, 2), seed: 20261125 }
    )
  })
})
