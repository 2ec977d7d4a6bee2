/**
 * A write refused as too large (413, from a proxy in front of Kestra) fails with a message naming the size of
 * the body refused and the limit to raise (docs/kestra.md#validation-behind-a-proxy), whatever the write and
 * whatever the limit; a body the limit lets through is written, and other failures say nothing of a proxy.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { KestraClient } from '../../../src/adapters/kestra/client.js'
import { ApiError, BODY_LIMIT_REMEDY, failureMarks } from '../../../src/adapters/kestra/errors.js'
import { startKestra, type EmulatedKestra } from '../../engine/apply/emulated-kestra.js'
import { runs } from '../../../test-support/property-runs.js'

const NS = 'company.team'
const SEED = 20261125

/** The emulator and a client, behind a proxy that refuses a body over `limit()` bytes as nginx does. */
async function behindLimit(limit: () => number): Promise<EmulatedKestra> {
  const kestra = await startKestra()
  kestra.emulator.inject({
    where: (request) => request.bodyBytes > limit(),
    times: Infinity,
    status: 413,
    body: '<html><head><title>413 Request Entity Too Large</title></head></html>'
  })
  return kestra
}

/** Each write the deploy makes, with a payload of about `size` bytes. */
const WRITES: Record<string, (client: KestraClient, size: number, n: number) => Promise<unknown>> =
  {
    'namespace file': (client, size, n) =>
      client.uploadFile(NS, `/data/f${n}.csv`, new Uint8Array(size).fill(0x61)),
    'flow create': (client, size, n) =>
      client.createFlow(
        `id: f${n}\nnamespace: ${NS}\ndescription: ${'x'.repeat(size)}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
      ),
    'KV value': (client, size, n) => client.putKv(NS, `k${n}`, 'yé😀'.repeat(size / 7))
  }

async function outcomeOf(write: Promise<unknown>): Promise<ApiError | 'written'> {
  try {
    await write
    return 'written'
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
}

describe('a write behind a proxy body limit', () => {
  it('names the size refused and the limit to raise, on every write kind and limit', async () => {
    let limit = Infinity
    const { emulator, client } = await behindLimit(() => limit)
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(WRITES)),
        fc.integer({ min: 1_000, max: 200_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        async (kind, bound, size) => {
          limit = bound
          emulator.clearLog()
          const outcome = await outcomeOf(WRITES[kind]!(client, size, ++n))
          const [sent] = emulator.requests.filter((request) => request.method !== 'GET')
          if (sent!.bodyBytes <= limit) {
            expect(outcome).toBe('written')
            return
          }
          expect(outcome).toBeInstanceOf(ApiError)
          const { message, status } = outcome as ApiError
          expect(status).toBe(413)
          expect(message).toContain(
            `refused a body of ${sent!.bodyBytes.toLocaleString('en-US')} bytes as too large`
          )
          expect(message).toContain(BODY_LIMIT_REMEDY)
        }
      ),
      { seed: SEED, numRuns: runs(60, 20) }
    )
  })

  it('passes a body exactly at the limit and refuses one a byte over it', async () => {
    let limit = Infinity
    const { emulator, client } = await behindLimit(() => limit)
    const bytes = new Uint8Array(50_000).fill(0x62)
    emulator.clearLog()
    await client.uploadFile(NS, '/probe.csv', bytes)
    // The multipart envelope counts too: the limit is set from the body as the emulator measured it.
    const sent = emulator.requests.at(-1)!.bodyBytes
    limit = sent
    const atLimit = await outcomeOf(client.uploadFile(NS, '/probe.csv', bytes))
    limit = sent - 1
    const overLimit = await outcomeOf(client.uploadFile(NS, '/probe.csv', bytes))
    expect(atLimit).toBe('written')
    expect(overLimit).toBeInstanceOf(ApiError)
    expect((overLimit as ApiError).message).toContain(
      `refused a body of ${sent.toLocaleString('en-US')} bytes as too large`
    )
  })

  it('says nothing of a proxy for other refusals, nor for a 413 to a request without a body', async () => {
    const { emulator, client } = await startKestra()
    for (const status of [400, 409, 422]) {
      emulator.inject({ route: 'namespaces.files.upload', times: 1, status })
      const outcome = await outcomeOf(client.uploadFile(NS, '/other.csv', new Uint8Array(10)))
      expect((outcome as ApiError).status).toBe(status)
      expect((outcome as ApiError).message).not.toMatch(/proxy|too large/)
    }
    emulator.inject({ route: 'namespaces.files.get', times: 1, status: 413 })
    const outcome = await outcomeOf(client.getFile(NS, '/other.csv'))
    expect((outcome as ApiError).status).toBe(413)
    expect((outcome as ApiError).message).not.toMatch(/proxy|refused a body/)
  })
  it('keeps the size and the limit when an earlier attempt of the same write lost its answer', async () => {
    const { emulator, client } = await startKestra()
    /** Ways an attempt is retried with its answer lost: a 5xx, a 429, or no answer at all. */
    const LOST = [{ status: 502 }, { status: 503 }, { status: 429 }, { reset: true }] as const
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(WRITES)),
        fc.constantFrom(...LOST),
        fc.integer({ min: 1, max: 2 }),
        async (kind, lost, retries) => {
          emulator.clearLog()
          emulator.inject({ where: (r) => r.method !== 'GET', times: retries, ...lost })
          // Taken in order: the lost answers first, then the refusal.
          emulator.inject({ where: (r) => r.method !== 'GET', times: 1, status: 413 })
          const outcome = await outcomeOf(WRITES[kind]!(client, 2_000, retries))
          const sent = emulator.requests.filter((request) => request.method !== 'GET')
          expect(sent).toHaveLength(retries + 1)
          expect(outcome).toBeInstanceOf(ApiError)
          const error = outcome as ApiError
          expect(error.status).toBe(413)
          expect(error.message).toContain(
            `refused a body of ${sent.at(-1)!.bodyBytes.toLocaleString('en-US')} bytes as too large`
          )
          expect(error.message).toContain(BODY_LIMIT_REMEDY)
          expect(failureMarks(error)).toEqual({ outcomeUnknown: true, bodyRefused: true })
        }
      ),
      { seed: SEED, numRuns: runs(24, 8) }
    )
  })
})
