import { fitToSend } from '../../../src/model/yaml-aliases.js'
import { reusedFlowFile } from '../../../src/model/flow-file.js'
/**
 * The flow checks a commit marker stores (docs/performance.md#incremental-planning): what a deploy stores is
 * read back exactly, under a key that changes with each thing the checks depend on, and a value someone else
 * wrote in KV is never taken for a check unless it has the stored shape, whatever it holds.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkFlow, confirmReusedChecks } from '../../../src/resources/flows/decide-validate.js'
import {
  schemaReleases,
  schemaTarget
} from '../../../src/resources/flows/decide-schema-releases.js'
import { upgradeFlow } from '../../../src/resources/flows/decide-upgrade.js'
import { DeployError } from '../../../src/model/errors.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { SentRewrite } from '../../../src/resources/flows/decide-sent.js'
import {
  checksToStore,
  checkDigest,
  entriesWithin,
  MAX_STORED_CHECKS_BYTES,
  storedChecksOf,
  type StoredFlowCheck
} from '../../../src/resources/flows/decide-stored-checks.js'
import { parseSettings } from '../../../src/config/settings.js'
import { sha256Hex } from '../../../src/model/content.js'
import { runs } from '../../../test-support/property-runs.js'

const settings = parseSettings((name) => (name === 'server' ? 'http://kestra:8080' : ''))
const NS = 'company.team'

function stored(sources: Record<string, string>) {
  const flows = Object.entries(sources).map(([name, raw]) =>
    parseFlowFile({
      file: `${NS}/flows/${name}`,
      rel: `${NS}/flows/${name}`,
      raw,
      expectedNamespace: NS
    })
  )
  const checks = new Map(
    flows.map((flow) => {
      const check = checkFlow(flow, { layout: 'tenant', schema: schemaTarget([1, 3, 0]) })
      return [flow, { ...check, upgrade: upgradeFlow(flow, check).items }]
    })
  )
  const byNamespace = checksToStore(flows, checks, {
    identity: 'build',
    layout: 'tenant',
    sending: new SentRewrite(settings),
    extraNamespaces: []
  })
  return { flows, checks, record: byNamespace.get(NS) ?? {} }
}

describe('stored flow checks', () => {
  it('read back through KV (JSON) exactly as checked, identity and parse facts included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(
          '',
          'revision: 3\n',
          '  - id: [\n',
          "  - id: r\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ read('x.csv') }} {{ secret('S') }}\"\n"
        ),
        (ids, extra) => {
          const sources = Object.fromEntries(
            ids.map((id) => [
              `${id}.yml`,
              `id: ${id}\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n${extra}`
            ])
          )
          const { flows, checks, record } = stored(sources)
          const back = storedChecksOf(JSON.parse(JSON.stringify(record)))
          expect(back.size).toBe(new Set(ids).size)
          for (const flow of flows) {
            const check = checks.get(flow)!
            const value = back.get(
              checkDigest({
                validator: 'build',
                file: flow.file,
                rel: flow.rel,
                expectedNamespace: NS,
                layout: 'tenant',
                sha256: sha256Hex(Buffer.from(flow.raw, 'utf8'))
              })
            )!
            expect(value, flow.file).toBeDefined()
            expect(value.findings).toEqual(check.findings)
            expect(value.versioned).toEqual(check.versioned)
            expect(value.references).toEqual(check.references)
            expect(value.names).toEqual(check.names)
            expect(value.wellFormed).toBe(check.wellFormed)
            expect(value.schema).toEqual(check.schema)
            expect(value.upgrade).toEqual(check.upgrade)
            expect({ id: value.id, namespace: value.namespace, notAFlow: value.notAFlow }).toEqual({
              id: flow.id,
              namespace: flow.namespace,
              notAFlow: flow.notAFlow
            })
          }
        }
      )
    )
  })

  it('keys a file by every part its checks depend on', () => {
    const key = {
      validator: 'v',
      file: 'f',
      rel: 'r',
      expectedNamespace: 'n',
      layout: 'tenant',
      sha256: 'h'
    }
    const digests = new Set([
      checkDigest(key),
      ...Object.keys(key).map((part) =>
        checkDigest({ ...key, [part]: `${key[part as keyof typeof key]}x` })
      )
    ])
    expect(digests.size).toBe(Object.keys(key).length + 1)
  })

  it('takes no KV value of another shape for a check, and never throws on one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (value, entry) => {
        const read = storedChecksOf({ ['0'.repeat(64)]: entry })
        const stored = read.get('0'.repeat(64))
        if (stored) {
          expect(Array.isArray(stored.findings) && Array.isArray(stored.references)).toBe(true)
          expect(typeof stored.wellFormed).toBe('boolean')
        }
        expect(() => storedChecksOf(value)).not.toThrow()
      })
    )
    const { record } = stored({
      'a.yml': `id: a\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ kv('k') }} {{ read('/q.sql') }}"\n`
    })
    const [digest, entry] = Object.entries(record)[0]!
    expect(storedChecksOf({ [digest]: entry }).size).toBe(1)
    for (const broken of [
      { ...entry, findings: [{ severity: 'fatal', file: 'x', line: 1, rule: 'r', message: 'm' }] },
      { ...entry, wellFormed: 'yes' },
      { ...entry, references: [{ kind: 'file', file: 'x', line: 1, column: 1, fromFlow: 'f' }] },
      { ...entry, versioned: [{ finding: {}, since: [1, 2], whenUnknown: 'error' }] },
      // The place its sites share, gone or of another type: they are not whole.
      { ...entry, sites: undefined },
      { ...entry, sites: { file: 3, fromFlow: ['a'] } }
    ]) {
      expect(storedChecksOf({ [digest]: broken }).size).toBe(0)
    }
    expect(storedChecksOf({ [digest]: entry, short: entry }).size).toBe(1)
  })
})

describe('a reused flow file', () => {
  it('is judged fit to send from its stored check, never parsed for it', () => {
    for (const wellFormed of [true, false]) {
      const flow = reusedFlowFile(
        { file: 'flows/a/f.yml', rel: 'a/f.yml', raw: 'id: [not yaml', expectedNamespace: 'a' },
        { id: 'f', namespace: 'a', notAFlow: false, wellFormed }
      )
      let parsed = false
      Object.defineProperty(flow, 'documents', {
        get: () => {
          parsed = true
          return []
        }
      })
      expect(fitToSend(flow)).toBe(wellFormed)
      expect(parsed).toBe(false)
    }
  })
})

describe("a marker's stored checks stay within its bound", () => {
  const entry = fc.record({
    notAFlow: fc.constant(false),
    findings: fc.array(
      fc.record({
        severity: fc.constant('warning' as const),
        file: fc.constant(`${NS}/flows/a.yml`),
        line: fc.nat(),
        column: fc.nat(),
        rule: fc.constant('r'),
        message: fc.string({ unit: fc.constantFrom('a', 'é', '😀', '"', '\\'), maxLength: 80 })
      }),
      { maxLength: 3 }
    ),
    versioned: fc.constant<StoredFlowCheck['versioned']>([]),
    wellFormed: fc.boolean(),
    references: fc.constant<StoredFlowCheck['references']>([])
  })
  const entries = fc.dictionary(fc.stringMatching(/^[0-9a-f]{64}$/), entry, { maxKeys: 20 })
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8')

  it('keeps what fits, the same whatever order the entries came in, and no entry that would have fitted', () => {
    fc.assert(
      fc.property(entries, fc.integer({ min: 2, max: 4000 }), (all, bound) => {
        const kept = entriesWithin(all, bound)
        expect(bytes(kept)).toBeLessThanOrEqual(bound)
        for (const [digest, value] of Object.entries(kept)) expect(value).toBe(all[digest])
        const reversed = Object.fromEntries(Object.entries(all).reverse())
        expect(Object.keys(entriesWithin(reversed, bound)).sort()).toEqual(Object.keys(kept).sort())
        for (const digest of Object.keys(all).filter((d) => !Object.hasOwn(kept, d))) {
          expect(bytes({ ...kept, [digest]: all[digest] })).toBeGreaterThan(bound)
        }
        expect(storedChecksOf(JSON.parse(JSON.stringify(kept))).size).toBe(Object.keys(kept).length)
      }),
      { numRuns: runs(1000, 100), seed: 20261125 }
    )
  })

  it('by default, 512 KiB of a namespace of many flows', () => {
    // Each flow reads 40 KV pairs, which its entry names: 300 flows are more than 512 KiB of entries.
    const reads = Array.from({ length: 40 }, (_, k) => `{{ kv('setting_${k}') }}`).join(' ')
    const many = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `${NS.replace('.', '_')}${i}.yml`,
        `id: f${i}\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "${reads}"\n`
      ])
    )
    const { record } = stored(many)
    expect(bytes(record)).toBeLessThanOrEqual(MAX_STORED_CHECKS_BYTES)
    expect(Object.keys(record).length).toBeGreaterThan(100)
    expect(Object.keys(record).length).toBeLessThan(300)
  })

  it("keeps a file's place once for all its names and references, and reads them back whole", () => {
    const reads = Array.from({ length: 5 }, (_, k) => `{{ kv('k${k}') }} {{ read('/f${k}.sql') }}`)
    const { flows, checks, record } = stored({
      'a.yml': `id: a\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "${reads.join(' ')}"\n`
    })
    const text = JSON.stringify(record)
    expect(text.split('"fromFlow"')).toHaveLength(2)
    expect(text.split('"flowNamespace"')).toHaveLength(2)
    const check = checks.get(flows[0]!)!
    expect(check.names).toHaveLength(5)
    expect(check.references).toHaveLength(5)
    const kept = JSON.parse(text)
    const [back] = storedChecksOf(kept).values()
    expect(back?.names).toEqual(check.names)
    expect(back?.references).toEqual(check.references)
    // What the marker keeps is read, never changed: its seal is of that text.
    expect(JSON.stringify(kept)).toBe(text)
    // An entry as builds before kept it, each site whole and no `sites`, reads back as it is.
    const [digest] = Object.keys(record)
    const whole = JSON.parse(JSON.stringify({ [digest!]: back }))
    expect(whole[digest!].sites).toBeUndefined()
    expect(whole[digest!].names[0].fromFlow).toBeDefined()
    expect(storedChecksOf(whole).get(digest!)).toEqual(back)
  })
  it('a deploy refuses stored findings or schema verdicts that this build would not compute, and leaves upgrade items as stored', async () => {
    const source = `id: a\nnamespace: ${NS}\ninputs:\n  - id: on\n    type: BOOLEAN\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    colour: red\n    message: hi\n`
    const { flows, record } = stored({ 'a.yml': source })
    const entry = [...storedChecksOf(record).values()][0]!
    expect(entry.schema?.findings).toHaveLength(1)
    expect(entry.upgrade).toHaveLength(1)
    // As `recheckWith` does: the entry's releases, no upgrade readiness.
    const recheck = async (flow: (typeof flows)[number], held: StoredFlowCheck) =>
      checkFlow(flow, { layout: 'tenant', schema: schemaReleases(held.schema?.releases ?? []) })
    const confirm = (held: StoredFlowCheck) =>
      confirmReusedChecks(new Map([[flows[0]!, held]]), recheck)
    await expect(confirm(entry)).resolves.toBeUndefined()
    const refused: StoredFlowCheck[] = [
      { ...entry, schema: { ...entry.schema!, findings: [] } },
      { ...entry, findings: [...entry.findings, { ...entry.schema!.findings[0]!, line: 99 }] },
      { ...entry, wellFormed: !entry.wellFormed }
    ]
    for (const held of refused) await expect(confirm(held)).rejects.toThrow(DeployError)
    // Notices that never decide a write (docs/upgrade.md); a plan shows them from the same sealed entry.
    const [item] = entry.upgrade!
    for (const held of [
      { ...entry, upgrade: [{ ...item!, mechanical: !item!.mechanical }] },
      { ...entry, upgrade: [] }
    ]) {
      await expect(confirm(held)).resolves.toBeUndefined()
    }
  })
})
