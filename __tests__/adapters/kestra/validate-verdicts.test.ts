/**
 * Validate verdicts of every shape (docs/kestra.md#validate-flows): only a recognised valid answer is
 * valid. Over 1.x's `constraints` text, 2.0's `errors` list, and every shape the client cannot read
 * (`constraints` as an object, a list or a number, `errors` not a list or holding unreadable items, a missing
 * or non-boolean `outdated`, an answer that is no object or no JSON at all), with extra fields anywhere: the
 * answer reaches the client through the emulator, as a proxy or another server would send it, and the
 * dashboard's findings block the deploy unless the verdict was recognised as valid.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dashboardFindings } from '../../../src/resources/dashboards/decide.js'
import { serverFindings } from '../../../src/resources/flows/decide-server-findings.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { unreadableVerdict } from '../../../src/adapters/kestra/constraints.js'
import { emulatedClientPerFile } from './test-server.js'
import { runs } from '../../../test-support/property-runs.js'

type Label = 'valid' | 'invalid' | 'unreadable'

/** Fields a verdict may carry besides the ones that decide it: never changing the label. */
const EXTRA = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => !['constraints', 'errors', 'outdated'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 }
)
const TEXT = fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() !== '')
const NOT_TEXT = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })
)
const ERROR_ITEM = fc.record(
  {
    detail: TEXT,
    pointer: fc.constantFrom('/title', '/charts/0/id', ''),
    path: fc.constantFrom('title', 'charts[0].id'),
    type: fc.constant('https://kestra.io/docs/api-reference/problems/validation-failed')
  },
  { requiredKeys: ['detail'] }
)
const NONE = fc.constantFrom<[] | undefined | null>(undefined, null)

function verdict(fields: Record<string, unknown>, extra: Record<string, unknown>): unknown {
  const record: Record<string, unknown> = { ...extra, index: 0, outdated: false }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete record[key]
    else record[key] = value
  }
  return record
}

/** Answers with what they must read as. `text`: the body as sent, JSON unless a text is given. */
const ANSWER: fc.Arbitrary<{ label: Label; answer: unknown; text?: string }> = fc.oneof(
  fc
    .tuple(NONE, fc.oneof(NONE, fc.constant([])), fc.boolean(), EXTRA)
    .map(([constraints, errors, outdated, extra]) => ({
      label: 'valid' as const,
      answer: verdict({ constraints, errors, outdated }, extra)
    })),
  fc.tuple(TEXT, EXTRA).map(([constraints, extra]) => ({
    label: 'invalid' as const,
    answer: verdict({ constraints }, extra)
  })),
  fc.tuple(fc.array(ERROR_ITEM, { minLength: 1, maxLength: 3 }), EXTRA).map(([errors, extra]) => ({
    label: 'invalid' as const,
    answer: verdict({ errors }, extra)
  })),
  fc.tuple(NOT_TEXT, EXTRA).map(([constraints, extra]) => ({
    label: 'unreadable' as const,
    answer: verdict({ constraints }, extra)
  })),
  fc.tuple(fc.constantFrom('', '  ', '\n'), EXTRA).map(([constraints, extra]) => ({
    label: 'unreadable' as const,
    answer: verdict({ constraints }, extra)
  })),
  fc
    .tuple(
      fc.oneof(fc.integer(), TEXT, fc.boolean(), fc.dictionary(TEXT, TEXT, { maxKeys: 2 })),
      EXTRA
    )
    .map(([errors, extra]) => ({
      label: 'unreadable' as const,
      answer: verdict({ errors }, extra)
    })),
  fc
    .tuple(
      fc.array(fc.oneof(fc.integer(), TEXT, fc.constant(null), fc.record({ path: TEXT })), {
        minLength: 1,
        maxLength: 2
      }),
      EXTRA
    )
    .map(([errors, extra]) => ({
      label: 'unreadable' as const,
      answer: verdict({ errors }, extra)
    })),
  fc
    .tuple(fc.oneof(fc.constant(undefined), fc.integer(), TEXT, fc.constant(null)), EXTRA)
    .map(([outdated, extra]) => ({
      label: 'unreadable' as const,
      answer: verdict({ outdated: outdated ?? undefined }, extra)
    })),
  fc
    .oneof(fc.array(fc.jsonValue({ maxDepth: 1 })), fc.integer(), TEXT, fc.constant(null))
    .map((answer) => ({ label: 'unreadable' as const, answer })),
  fc.constantFrom('', '<html>502 Bad Gateway</html>', '{"index":0,', 'OK').map((text) => ({
    label: 'unreadable' as const,
    answer: undefined,
    text
  }))
)

const kestra = emulatedClientPerFile('1.3.25')

/** What every finding without a readable verdict tells the user to check. */
const REMEDY =
  /check that the `server` input reaches Kestra itself \(not a proxy's or a sign-in page\), or set `server-validation: false`/

const DASHBOARD = 'id: sales\ntitle: Sales\ncharts: []\n'

describe('a validate verdict is valid only when recognised as valid', () => {
  it('dashboards: valid, refused or unreadable as the answer is, and blocking the deploy unless valid', async () => {
    await fc.assert(
      fc.asyncProperty(ANSWER, async ({ label, answer, text }) => {
        kestra.emulator.inject({
          route: 'dashboards.validate',
          status: 200,
          body: text ?? JSON.stringify(answer)
        })
        const verdict = await kestra.client.validateDashboard(DASHBOARD)
        const read: Label =
          verdict.unreadable !== undefined
            ? 'unreadable'
            : verdict.errors.length > 0
              ? 'invalid'
              : 'valid'
        expect(read).toBe(label)
        const findings = dashboardFindings({
          files: [{ file: 'dashboards/sales.yml', source: DASHBOARD }],
          verdicts: new Map([['dashboards/sales.yml', verdict]])
        })
        const blocked = findings.some((f) => f.severity === 'error')
        expect(blocked).toBe(label !== 'valid')
        if (label === 'unreadable') {
          const finding = findings.find((f) => f.rule === 'server-constraint')!
          expect(finding.message).toMatch(
            /^dashboard "sales": the server's validation answer could not be read \(/
          )
          expect(finding.resource).toBe('dashboard:sales')
          expect(finding.message).toMatch(REMEDY)
        }
      }),
      { numRuns: runs(300, 40) }
    )
  })

  // `id:` on line 2: a finding placed on it is told apart from one placed on line 1 for want of a place.
  const flow =
    'namespace: company.team\nid: hello\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
  const flowFile = parseFlowFile({ file: 'flows/hello.yml', rel: 'flows/hello.yml', raw: flow })

  it('flows: an answer the client cannot read is an error of that flow, never valid, and never blamed on it', async () => {
    await fc.assert(
      fc.asyncProperty(ANSWER, async ({ label, answer, text }) => {
        kestra.emulator.inject({
          route: 'flows.validate',
          status: 200,
          body: text ?? JSON.stringify([answer])
        })
        const [result] = await kestra.client.validateFlows([flow])
        const read: Label =
          result!.noVerdict?.cause === 'unreadable'
            ? 'unreadable'
            : result!.errors.length > 0
              ? 'invalid'
              : 'valid'
        // A non-list answer to a batch is unreadable as a whole; a verdict of any shape is read as above.
        expect(read).toBe(label)
        const findings = serverFindings([flowFile], [result!])
        expect(findings.some((f) => f.severity === 'error')).toBe(label !== 'valid')
        if (label === 'unreadable') {
          // The server's answer is at fault, not the flow: no advice to fix the flow.
          const [finding] = findings
          expect(finding).toMatchObject({ rule: 'server-constraint', line: 2, severity: 'error' })
          expect(finding!.message).toMatch(
            /^Kestra could not validate this flow: the server's validation answer could not be read \(/
          )
          expect(finding!.message).not.toMatch(/Fix the|rejects this flow/)
          expect(finding!.message).toMatch(REMEDY)
        }
      }),
      { numRuns: runs(300, 40) }
    )
  })
  it('flows: each answer goes to the flow its index names; one the answer leaves out, or an index naming none, leaves no verdict', async () => {
    /** An answer's index: a flow's, out of range, not a whole number, not a number, or none (its position). */
    const INDEX = fc.oneof(
      fc.nat({ max: 5 }).map((n) => ({ index: n })),
      fc.constantFrom(-1, 6, 99, 0.5, 1.5, '1', null).map((index) => ({ index })),
      fc.constant({})
    )
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.array(INDEX, { maxLength: 8 }),
        async (count, indexes) => {
          const sources = Array.from({ length: count }, (_, i) =>
            flow.replace('id: hello', `id: hello${i}`)
          )
          const answer = indexes.map((index) => ({ ...index, constraints: null, outdated: false }))
          kestra.emulator.inject({
            route: 'flows.validate',
            status: 200,
            body: JSON.stringify(answer)
          })
          const results = await kestra.client.validateFlows(sources)
          const placed = indexes.map((index, position) =>
            'index' in index ? index.index : position
          )
          const stray = placed.some(
            (at) => !Number.isInteger(at) || (at as number) >= count || (at as number) < 0
          )
          const files = sources.map((raw, i) =>
            parseFlowFile({ file: `flows/hello${i}.yml`, rel: `flows/hello${i}.yml`, raw })
          )
          const findings = serverFindings(files, results)
          const blocked = files
            .map((file, i) => (placed.includes(i) && !stray ? undefined : file.file))
            .filter((file) => file !== undefined)
          expect(findings.map((f) => f.file)).toEqual(blocked)
          for (const finding of findings) {
            expect(finding).toMatchObject({ rule: 'server-constraint', severity: 'error', line: 2 })
            expect(finding.message).toMatch(/^Kestra could not validate this flow: /)
            expect(finding.message).toMatch(
              stray
                ? /, which no flow of the request has\)/
                : /returned no validation result for it/
            )
            expect(finding.message).toMatch(REMEDY)
          }
        }
      ),
      { seed: 20261125, numRuns: runs(200, 60) }
    )
  })

  it('keeps an unreadable answer whole in its finding, after the advice, for the output edge to redact before it cuts', () => {
    fc.assert(
      // A page of any length before a credential, which a cut could leave in part.
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (before, credential, why) => {
          const answer = `${'<p>'.repeat(before)}${credential}`
          const text = unreadableVerdict(why, answer)
          expect(text).toContain(JSON.stringify(answer))
          // The advice comes before the answer: the output edge's cut of a long one keeps it.
          expect(text.indexOf('`server-validation: false`')).toBeLessThan(
            text.lastIndexOf(JSON.stringify(answer))
          )
        }
      ),
      { seed: 20261125, numRuns: runs(500, 125) }
    )
  })
})
