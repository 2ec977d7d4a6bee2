/**
 * The content facts a commit marker stores (docs/performance.md#what-a-plan-knows-without-reading): what a deploy
 * stores is read back exactly, within its bound and always the same choice; a value someone else wrote in KV is
 * never taken for a fact unless it has the stored shape; and a plan that holds a fact summarises the entry as a
 * plan that reads its bytes does, or reads them.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { summaryOf, utf8Length, type ContentSummary } from '../../../src/model/content.js'
import {
  CONTENT_FACTS_FIELD,
  contentFactsOf,
  contentFactsToStore,
  MAX_CONTENT_FACTS_BYTES
} from '../../../src/resources/namespace-files/decide-content-facts.js'
import { serverFile } from '../../../src/model/plan-input.js'
import type { ResourceChange } from '../../../src/model/plan.js'
import { runs } from '../../../test-support/property-runs.js'

const hex = (length: number) =>
  fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((text) => text.length === length)
const summary: fc.Arbitrary<ContentSummary> = fc.record({
  sha256: hex(64),
  size: fc.nat({ max: 2 ** 40 }),
  binary: fc.boolean()
})
const blobId = fc.oneof(hex(40), hex(64))
const zipDigest = fc
  .tuple(fc.constantFrom('s', 'd'), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
  .filter(([, body]) => body.length === 43)
  .map(([method, body]) => method + body)

/** The stored text of a fact as the docs give it, read by a regular expression: the reference reader. */
function byPattern(text: unknown): ContentSummary | undefined {
  const match =
    typeof text === 'string' && /^([0-9a-f]{64}),(0|[1-9][0-9]{0,14}),([01])$/.exec(text)
  return match ? { sha256: match[1]!, size: Number(match[2]), binary: match[3] === '1' } : undefined
}

const asStored = (fact: ContentSummary) => `${fact.sha256},${fact.size},${fact.binary ? 1 : 0}`
const throughKv = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

describe('content facts', () => {
  it('read back through KV (JSON) exactly as a deploy stores them, for the files it leaves as they are (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ blob: fc.option(blobId, { nil: undefined }), fact: summary }), {
          maxLength: 20
        }),
        fc.array(fc.record({ digest: zipDigest, fact: summary, written: fc.boolean() }), {
          maxLength: 20
        }),
        (local, remote) => {
          const files = local.map(({ blob, fact }, i) => ({
            ...{ namespace: 'company.team', file: `f${i}`, ...fact },
            ...(blob !== undefined && { blob })
          }))
          const state = new Map([
            [
              'company.team',
              remote.map(({ digest, fact }, i) => ({
                path: `/r${i}`,
                summary: fact,
                digest
              }))
            ]
          ])
          const resources = remote.flatMap(({ written }, i) =>
            written
              ? [
                  {
                    kind: 'file',
                    namespace: 'company.team',
                    path: `/r${i}`,
                    action: 'update'
                  } as ResourceChange
                ]
              : []
          )
          const stored = contentFactsToStore({ resources }, state, files).get('company.team')
          const facts = contentFactsOf(
            throughKv({ [CONTENT_FACTS_FIELD]: stored })[CONTENT_FACTS_FIELD]
          )
          const blobs = new Map(files.flatMap((file) => (file.blob ? [[file.blob, file]] : [])))
          expect(new Set(facts.blobs.keys())).toEqual(new Set(blobs.keys()))
          for (const [blob, file] of blobs) {
            expect(facts.blobs.get(blob)).toEqual({
              sha256: file.sha256,
              size: file.size,
              binary: file.binary
            })
          }
          const kept = new Map(
            remote.flatMap(({ digest, fact }, i) => (remote[i]!.written ? [] : [[digest, fact]]))
          )
          for (const [digest, fact] of facts.zipped) expect(kept.get(digest)).toEqual(fact)
          for (const { digest, written } of remote) {
            if (!written && !remote.some((other) => other.written && other.digest === digest)) {
              expect(facts.zipped.has(digest)).toBe(true)
            }
          }
        }
      ),
      { numRuns: runs(200, 60) }
    )
  })

  it('never stores a fact of a file whose bytes were not read (over the upload limit) nor of one without a blob', () => {
    const over = { namespace: 'n', size: 200 * 1024 * 1024, sha256: '', binary: true }
    const stored = contentFactsToStore({ resources: [] }, new Map(), [
      { ...over, blob: 'a'.repeat(40) },
      { namespace: 'n', size: 1, sha256: 'b'.repeat(64), binary: false }
    ])
    expect(stored.get('n') ?? { blobs: {}, zipped: {} }).toEqual({ blobs: {}, zipped: {} })
  })

  it('stay within their bound whatever the repository holds, always choosing the same facts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2_000, max: 6_000 }), fc.nat(), (count, seed) => {
        const ids = Array.from({ length: count }, (_, i) =>
          createHash('sha1').update(`${seed}:${i}`).digest('hex')
        )
        const files = ids.map((blob, i) => ({
          ...{ namespace: 'n', blob, size: i, binary: false },
          sha256: createHash('sha256').update(blob).digest('hex')
        }))
        const stored = contentFactsToStore({ resources: [] }, new Map(), files).get('n')!
        const reversed = contentFactsToStore({ resources: [] }, new Map(), files.toReversed()).get(
          'n'
        )!
        expect(utf8Length(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_CONTENT_FACTS_BYTES)
        expect(JSON.stringify(reversed)).toBe(JSON.stringify(stored))
        // What fits is taken: a smaller repository keeps every fact.
        if (count * 120 < MAX_CONTENT_FACTS_BYTES)
          expect(Object.keys(stored.blobs)).toHaveLength(count)
        else expect(Object.keys(stored.blobs).length).toBeGreaterThan(MAX_CONTENT_FACTS_BYTES / 130)
      }),
      { numRuns: runs(12, 4) }
    )
  })

  it('take from KV only values of exactly the stored shape, whatever else a namespace writer put there (property)', () => {
    const text = fc.oneof(
      summary.map(asStored),
      summary.map((fact) => asStored(fact).replace(',0', ',00')),
      fc.tuple(summary, fc.string({ maxLength: 3 })).map(([fact, tail]) => asStored(fact) + tail),
      fc.tuple(fc.string({ maxLength: 3 }), summary).map(([head, fact]) => head + asStored(fact)),
      summary.map((fact) => asStored(fact).toUpperCase()),
      fc.string({ maxLength: 80 }),
      fc.anything()
    )
    const key = fc.oneof(blobId, zipDigest, fc.string({ maxLength: 70 }), fc.constant('__proto__'))
    fc.assert(
      fc.property(
        fc.dictionary(key, text, { maxKeys: 8 }),
        fc.dictionary(key, text, { maxKeys: 8 }),
        (blobs, zipped) => {
          const facts = contentFactsOf(
            throughKv({ [CONTENT_FACTS_FIELD]: { blobs, zipped } })[CONTENT_FACTS_FIELD]
          )
          for (const [stored, read, keyPattern] of [
            [blobs, facts.blobs, /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/],
            [zipped, facts.zipped, /^[sd][A-Za-z0-9_-]{43}$/]
          ] as const) {
            const expected = new Map(
              Object.entries(throughKv(stored)).flatMap(([id, value]) => {
                const fact = byPattern(value)
                return fact && keyPattern.test(id) ? [[id, fact] as const] : []
              })
            )
            expect(new Map(read)).toEqual(expected)
          }
        }
      ),
      { numRuns: runs(400, 100) }
    )
    for (const value of [
      undefined,
      null,
      'x',
      [],
      { [CONTENT_FACTS_FIELD]: [] },
      { [CONTENT_FACTS_FIELD]: 'x' }
    ]) {
      const facts = contentFactsOf(
        (value as Record<string, unknown> | undefined)?.[CONTENT_FACTS_FIELD]
      )
      expect([facts.blobs.size, facts.zipped.size]).toEqual([0, 0])
    }
  })

  it('summarise a server file as its bytes do, and read the bytes whenever the fact does not match its size (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(summary, { nil: undefined }),
        fc.boolean(),
        (bytes, forged, keep) => {
          let reads = 0
          const digest = 'd' + 'A'.repeat(43)
          const file = { size: bytes.length, bytes: () => (reads++, bytes), digest: () => digest }
          const truth = summaryOf(bytes)
          const fact = forged ?? truth
          const read = serverFile('/f', file, () => keep, { known: new Map([[digest, fact]]) })
          expect(read.digest).toBe(digest)
          if (fact.size === bytes.length) {
            expect(read.summary).toEqual(fact)
            expect(reads).toBe(keep ? 1 : 0)
          } else {
            expect(read.summary).toEqual(truth)
          }
          expect(read.bytes === undefined).toBe(!keep)
          // Without facts a file is always read: no digest is asked for nor kept.
          const plain = serverFile('/f', file, () => keep)
          expect([plain.summary, plain.digest]).toEqual([truth, undefined])
        }
      ),
      { numRuns: runs(300, 100) }
    )
  })
})
