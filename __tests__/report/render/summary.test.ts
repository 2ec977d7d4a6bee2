import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countPlan, resourceName, type ResourceChange } from '../../../src/model/plan.js'
import { renderSummary } from '../../../src/report/render/report.js'
import type { SummaryInput } from '../../../src/report/render/input.js'
import {
  bigPlan,
  COMMIT,
  countOf,
  FINDINGS,
  mixedPlan,
  nodesOf,
  parseMarkdown
} from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { runs } from '../../../test-support/property-runs.js'

function summaryInput(extra: Partial<SummaryInput>): SummaryInput {
  return {
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: FINDINGS,
    ...extra
  }
}

describe('renderSummary', () => {
  it('holds the full plan: counts table, all findings, every diff and every unchanged resource', () => {
    const plan = mixedPlan()
    const text = renderSummary(summaryInput({ plan }))
    const tree = parseMarkdown(text)
    const [counts, findings] = nodesOf(tree, 'table')
    expect(nodesOf(counts!, 'tableRow')).toHaveLength(4)
    expect(nodesOf(findings!, 'tableRow')).toHaveLength(1 + FINDINGS.length)
    const diffs = nodesOf(tree, 'code').map((n) => n.value)
    expect(diffs).toEqual(
      plan.resources.filter((r) => r.diff).map((r) => r.diff!.replace(/\n$/, ''))
    )
    expect(text).toContain('| **Total** | 2 | 2 | 0 | 2 | 2 | 3 |')
    expect(text).toContain('- flow <b>company.team.same</b>')
    expect(text).toContain('- flow <b>other.ns.quiet</b>')
    expect(text).toContain(`Plan fingerprint: \`${plan.fingerprint}\``)
    expect(renderSummary(summaryInput({ plan: mixedPlan() }))).toBe(text)
  })

  it('stays within 1 MiB for a huge plan, dropping the largest diffs first (an eighth of both in the unit loop)', () => {
    // npm test renders 500 flows into the default budget, GitHub's 1 MiB; the unit loop 63 flows into 128 KiB.
    const budget = runs(1_048_576, 131_072)
    const count = runs(500, 63)
    const plan = bigPlan(count, 60)
    const total = plan.resources.reduce((n, r) => n + (r.diff?.length ?? 0), 0)
    expect(total).toBeGreaterThan(2 * budget)
    const text = renderSummary(
      summaryInput({ plan, ...(budget !== 1_048_576 && { budgetBytes: budget }) })
    )
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(budget)
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(budget * 0.85)
    expect(text).toContain('Some detail was left out')
    const shown = nodesOf(parseMarkdown(text), 'code').length
    expect(shown).toBeGreaterThan(count / 5)
    expect(countOf(text, 'Diff omitted to keep the job summary within its size limit.')).toBe(
      count - shown
    )
    for (const r of plan.resources) expect(text).toContain(resourceName(r).replace(/_/g, '&#95;'))
  })

  it('counts the budget in UTF-8 bytes', () => {
    const plan = bigPlan(30, 5)
    const budgetBytes = 20_000
    const text = renderSummary(
      summaryInput({ plan, budgetBytes, notes: ['ünïcödé ✓'.repeat(100)] })
    )
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(budgetBytes)
    expect(text.length).toBeLessThan(budgetBytes)
  })

  it('renders findings only in validate mode', () => {
    const text = renderSummary(summaryInput({ mode: 'validate' }))
    expect(text.split('\n')[0]).toBe('### Kestra validation')
    expect(text).toContain(
      '| ❌ error | company.team/flows/evil.yml:3 | bad &lt;script&gt; &#124; @&#8203;octocat <code>x</code> |'
    )
    expect(text).toContain('| ⚠️ warning | company.team/flows/same.yml:1 | line one line two |')
    expect(text).not.toContain('#### Changes')
    expect(text).not.toContain('fingerprint')
  })
})

describe('the counts table', () => {
  const ACTIONS = ['create', 'update', 'delete', 'orphaned', 'unchanged'] as const
  const change = fc
    .record({
      kind: fc.constantFrom(...DECIDE_KINDS.map((kind) => kind.name)),
      action: fc.constantFrom(...ACTIONS),
      drifted: fc.boolean(),
      id: fc.stringMatching(/^[a-z]{1,6}$/)
    })
    .map(
      ({ kind, action, drifted, id }) =>
        ({
          kind,
          action,
          drifted,
          id,
          path: `/${id}`,
          // A tenant-wide kind's changes carry their section; the others their namespace.
          ...(kind === 'dashboard'
            ? { namespace: '', section: 'Dashboards' }
            : { namespace: 'company.team' })
        }) as unknown as ResourceChange
    )

  it('has a row per kind with changes, each labelled by its kind, and the rows add up to the total', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (resources) => {
        const plan = {
          resources,
          namespaces: ['company.team'],
          counts: countPlan(resources),
          fingerprint: 'f'
        }
        const text = renderSummary(summaryInput({ plan, findings: [] }))
        const rows = text
          .split('\n')
          .filter((line) => /^\| [^|]+ \| \d/.test(line))
          .map((line) => line.split('|').map((cell) => cell.trim()))
        const total = rows.find((cells) => cells[1] === '**Total**')!
        const parts = rows.filter((cells) => cells !== total)
        for (let column = 2; column <= 7; column++) {
          const sum = parts.reduce((n, cells) => n + Number(cells[column]), 0)
          expect(sum, `column ${column}`).toBe(Number(total[column]))
        }
        const expected = [
          ...DECIDE_KINDS.filter((kind) =>
            resources.some((r) => r.kind === kind.name && r.section === undefined)
          ).map((kind) => kind.label),
          ...new Set(resources.flatMap((r) => r.section ?? []))
        ]
        expect(parts.map((cells) => cells[1])).toEqual(expected)
      })
    )
  })
})
