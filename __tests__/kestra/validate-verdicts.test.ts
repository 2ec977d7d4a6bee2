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
import { dashboardFindings } from '../../src/kinds/dashboards/decide-checks.js'
import { serverFindings } from '../../src/kinds/flows/decide-checks.js'
import { parseFlowFile } from '../../src/model/flow-file.js'
import { emulatedClientPerFile } from './test-server.js'

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
          expect(finding.message.length).toBeLessThan(600)
        }
      }),
      { numRuns: 300 }
    )
  })

  const flow =
    'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
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
          result!.unreadable !== undefined
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
          expect(finding).toMatchObject({ rule: 'server-constraint', line: 1, severity: 'error' })
          expect(finding!.message).toMatch(
            /^Kestra could not validate this flow: the server's validation answer could not be read \(/
          )
          expect(finding!.message).not.toMatch(/Fix the|rejects this flow/)
          expect(finding!.message.length).toBeLessThan(600)
        }
      }),
      { numRuns: 300 }
    )
  })
  it('flows: a flow the answer leaves out has no verdict, an error of that flow alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.nat(), async (count, seed) => {
        const sources = Array.from({ length: count }, (_, i) =>
          flow.replace('id: hello', `id: hello${i}`)
        )
        const missing = seed % count
        const answer = sources
          .map((_, index) => ({ index, constraints: null, outdated: false }))
          .filter(({ index }) => index !== missing)
        kestra.emulator.inject({
          route: 'flows.validate',
          status: 200,
          body: JSON.stringify(answer)
        })
        const results = await kestra.client.validateFlows(sources)
        const files = sources.map((raw, i) =>
          parseFlowFile({ file: `flows/hello${i}.yml`, rel: `flows/hello${i}.yml`, raw })
        )
        const findings = serverFindings(files, results)
        expect(findings.map((f) => f.file)).toEqual([`flows/hello${missing}.yml`])
        expect(findings[0]).toMatchObject({ rule: 'server-constraint', severity: 'error' })
        expect(findings[0]!.message).toBe(
          'Kestra could not validate this flow: the server returned no validation result for it; nothing is deployed until the server answers a verdict the action can read.'
        )
      }),
      { numRuns: 30 }
    )
  })
})
