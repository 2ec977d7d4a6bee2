/**
 * The findings as SARIF 2.1.0 (docs/code-scanning.md): valid against the schema whatever the findings, every
 * finding's file, line, column, rule, severity and message carried, and GitHub code scanning's upload limits kept.
 */
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/model/finding.js'
import { MAX_SARIF_RESULTS, sarifDocument } from '../../src/report/sarif.js'
import { runs } from '../../test-support/property-runs.js'
import { sarifProblems } from '../../test-support/sarif-schema.js'

interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: string
  message: { text: string }
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string }
      region: { startLine: number; startColumn: number; endLine: number; endColumn?: number }
    }
  }[]
}
interface SarifRun {
  tool: { driver: { name: string; version: string; rules: { id: string }[] } }
  results: SarifResult[]
}

const parse = (text: string) => JSON.parse(text) as { version: string; runs: SarifRun[] }

const finding = fc.record(
  {
    severity: fc.constantFrom('error', 'warning', 'notice'),
    file: fc.oneof(
      fc.constant(''),
      fc.constant('company.team/flows/hello.yml'),
      fc
        .array(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('/')),
          {
            minLength: 1,
            maxLength: 3
          }
        )
        .map((parts) => parts.join('/'))
    ),
    line: fc.integer({ min: 1, max: 10_000 }),
    column: fc.integer({ min: 1, max: 200 }),
    endLine: fc.integer({ min: 1, max: 10_000 }),
    endColumn: fc.integer({ min: 1, max: 200 }),
    rule: fc.constantFrom('core-schema', 'unquoted-pebble', 'yaml-syntax', 'server-constraint'),
    message: fc.string({ maxLength: 80 })
  },
  { requiredKeys: ['severity', 'file', 'line', 'rule', 'message'] }
) as fc.Arbitrary<Finding>

describe('SARIF 2.1.0 (docs/code-scanning.md)', () => {
  it('is valid against the schema and carries every finding as GitHub reads it', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), (findings) => {
        const { text, omitted } = sarifDocument(findings, '1.2.3')
        const document = parse(text)
        expect(sarifProblems(document)).toEqual([])
        expect(omitted).toBe(0)
        const [run] = document.runs
        expect(run!.tool.driver).toMatchObject({ name: 'kestra-gitops', version: '1.2.3' })
        expect(run!.results).toHaveLength(findings.length)
        const level = { error: 'error', warning: 'warning', notice: 'note' }
        // Each finding as a result (errors first): its rule, level and message, on its file and line.
        const expected = findings.map((f) => ({
          ruleId: f.rule,
          level: level[f.severity],
          text: f.message,
          uri: f.file === '' ? undefined : f.file.split('/').map(encodeURIComponent).join('/'),
          line: f.file === '' ? undefined : f.line,
          column: f.file === '' ? undefined : (f.column ?? 1)
        }))
        const got = run!.results.map((r) => ({
          ruleId: r.ruleId,
          level: r.level,
          text: r.message.text,
          uri: r.locations?.[0]?.physicalLocation.artifactLocation.uri,
          line: r.locations?.[0]?.physicalLocation.region.startLine,
          column: r.locations?.[0]?.physicalLocation.region.startColumn
        }))
        const key = (x: object) => JSON.stringify(x)
        expect(got.map(key).sort()).toEqual(expected.map(key).sort())
        for (const r of run!.results) expect(run!.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId)
      }),
      { numRuns: runs(200, 20) }
    )
  })

  it(`keeps at most ${MAX_SARIF_RESULTS.toLocaleString('en-US')} results, the errors first`, () => {
    const many: Finding[] = Array.from({ length: MAX_SARIF_RESULTS + 10 }, (_, i) => ({
      severity: i < 5 ? 'error' : 'notice',
      file: `flows/f${i}.yml`,
      line: 1,
      rule: 'rule',
      message: `m${i}`
    }))
    const { text, results, omitted } = sarifDocument(many.reverse(), 'source')
    expect(results).toBe(MAX_SARIF_RESULTS)
    expect(omitted).toBe(10)
    const kept = parse(text).runs[0]!.results
    expect(kept.slice(0, 5).map((r) => r.level)).toEqual(Array(5).fill('error'))
  })

  it('keeps the file within the compressed size code scanning accepts', () => {
    // Messages that do not compress: the bound (scaled down here) is met by leaving out the least severe.
    const noise = (i: number) =>
      Array.from({ length: 12 }, (_, k) =>
        createHash('sha256').update(`${i}:${k}`).digest('base64')
      ).join('')
    const findings: Finding[] = Array.from({ length: 400 }, (_, i) => ({
      severity: i % 2 === 0 ? 'error' : 'warning',
      file: 'flows/a.yml',
      line: i + 1,
      rule: 'rule',
      message: noise(i)
    }))
    const bound = 20_000
    const { text, results, omitted } = sarifDocument(findings, 'source', bound)
    expect(gzipSync(text).length).toBeLessThanOrEqual(bound)
    expect(results + omitted).toBe(400)
    expect(omitted).toBeGreaterThan(0)
    expect(gunzipSync(gzipSync(text)).toString()).toBe(text)
    expect(sarifProblems(parse(text))).toEqual([])
  })
})
