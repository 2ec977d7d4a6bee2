/**
 * Every record the action stores in Kestra (docs/performance.md#what-kv-can-do-to-it, docs/rollback.md#the-record)
 * is read back as untrusted: what the action writes reads back equal, and anything else (random JSON, a valid
 * record mutated, another version) is refused by name, never thrown on.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { commitMarker } from '../../../src/engine/record/marker.js'
import { readStored } from '../../../src/model/stored-record.js'
import { readPreviewOwner } from '../../../src/model/preview.js'
import { planRecordSchema } from '../../../src/model/plan-record.js'
import { planMarkerLine, readPlanMarker } from '../../../src/model/markdown/comment-markers.js'
import { newRecord, readRecord } from '../../../src/engine/apply/rollback-record.js'
import { ROLLBACK_KINDS } from '../../../src/resources/registry.js'
import { contentFactsOf } from '../../../src/resources/namespace-files/decide-content-facts.js'
import { storedChecksOf } from '../../../src/resources/flows/decide-stored-checks.js'

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`))
const marker = fc.record({ commit: hex(40), repository: fc.constantFrom('acme/flows', 'o/r') })
const owner = fc.record({
  repository: fc.constantFrom('octo/kestra-repo', 'a-b/c.d_e'),
  pullRequest: fc.nat()
})
const planRecord = fc.record(
  {
    fingerprint: hex(64),
    commit: hex(40),
    settings: fc.dictionary(fc.constantFrom('layout', 'fail-on', 'x'), fc.string()),
    changes: fc.array(fc.tuple(fc.string(), fc.string(), fc.string(), fc.string()), {
      maxLength: 4
    }),
    omitted: fc.integer({ min: 1, max: 1000 })
  },
  { requiredKeys: ['fingerprint', 'commit'] }
)
const version = fc.record({ sha256: hex(64) })
const resource = fc.oneof(
  fc.record({
    kind: fc.constant('flow'),
    id: fc.string(),
    before: fc.record({ revision: fc.nat(), sha256: hex(64) })
  }),
  fc.record({ kind: fc.constant('file'), path: fc.string(), deployed: version }),
  fc.record({
    kind: fc.constant('kv'),
    key: fc.string(),
    secretLike: fc.boolean(),
    deployed: version
  }),
  fc.record({
    kind: fc.constant('dashboard'),
    id: fc.string(),
    before: fc.record({
      hashes: fc.record({ source: hex(64), fields: hex(64) }, { requiredKeys: ['fields'] })
    })
  })
)
const rollbackRecord = fc
  .record({
    repository: fc.string(),
    deployed: hex(40),
    toward: fc.option(marker, { nil: null }),
    markerWritten: fc.boolean(),
    resources: fc.array(resource, { maxLength: 3 })
  })
  .map((fields) => newRecord(fields))

/** JSON as the server gives it back: an object, or its text. */
const throughKv = (value: unknown) => [JSON.parse(JSON.stringify(value)), JSON.stringify(value)]
const read = {
  'commit marker': (value: unknown) => readStored('commit marker', commitMarker, value),
  'preview ownership record': readPreviewOwner,
  'plan record': (value: unknown) => readStored('plan record', planRecordSchema, value),
  'rollback record': (value: unknown) => readRecord(value, ROLLBACK_KINDS)
}
const valid = {
  'commit marker': marker,
  'preview ownership record': owner,
  'plan record': planRecord,
  'rollback record': rollbackRecord
}

/** A valid record with one field replaced by random JSON, removed, or a version added. */
function mutated(record: fc.Arbitrary<Record<string, unknown>>) {
  return fc
    .tuple(record, fc.nat(), fc.jsonValue(), fc.constantFrom('replace', 'remove', 'version'))
    .map(([value, at, junk, how]) => {
      const keys = Object.keys(value)
      const key = keys[at % keys.length]!
      if (how === 'version') return { ...value, version: junk === 1 ? 2 : junk }
      if (how === 'remove') {
        const { [key]: _gone, ...rest } = value
        return rest
      }
      return { ...value, [key]: junk }
    })
}

describe('each stored record', () => {
  for (const [name, reader] of Object.entries(read)) {
    const records = valid[name as keyof typeof valid] as fc.Arbitrary<Record<string, unknown>>

    it(`${name}: what the action writes reads back equal, as an object or as JSON text`, () => {
      fc.assert(
        fc.property(records, (value) => {
          for (const stored of throughKv(value)) expect(reader(stored)).toEqual({ value })
        })
      )
    })

    it(`${name}: random JSON and mutated records never throw, and each is accepted whole or refused by name`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), mutated(records)), (value) => {
          for (const stored of [value, JSON.stringify(value)]) {
            const answer = reader(stored)
            if ('refused' in answer) expect(answer.refused).toMatch(new RegExp(`^${name}`))
            else expect(reader(answer.value)).toEqual(answer)
          }
        })
      )
    })
  }

  it('a record of another version is refused by that version', () => {
    fc.assert(
      fc.property(marker, fc.integer({ min: 2 }), (value, later) => {
        expect(readStored('commit marker', commitMarker, { ...value, version: later })).toEqual({
          refused: `commit marker v${later}: unsupported`
        })
      })
    )
    expect(readRecord({ format: 'kestra-gitops-rollback/2' }, ROLLBACK_KINDS)).toEqual({
      refused: 'rollback record kestra-gitops-rollback/2: unsupported'
    })
  })

  it('a plan record reads back from its marker line, whatever its settings and changes hold', () => {
    fc.assert(
      fc.property(planRecord, ({ fingerprint, commit, ...rest }) => {
        const value = { fingerprint, commit, ...rest }
        expect(readPlanMarker(`text\n${planMarkerLine(fingerprint, commit, rest)}\n`)).toEqual(
          value
        )
      })
    )
  })

  it('stored checks and content facts: random JSON in their fields never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (checks, contents) => {
        expect(() => storedChecksOf(checks)).not.toThrow()
        expect(() => contentFactsOf(contents)).not.toThrow()
      })
    )
  })
})
