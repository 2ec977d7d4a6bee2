import { describe, expect, it } from 'vitest'
import { resourceName } from '../../src/model/plan.js'
import { renderSummary } from '../../src/decide/render/summary.js'
import type { SummaryInput } from '../../src/decide/render/input.js'
import {
  bigPlan,
  COMMIT,
  countOf,
  FINDINGS,
  mixedPlan,
  nodesOf,
  parseMarkdown
} from './fixtures.js'

function summaryInput(extra: Partial<SummaryInput>): SummaryInput {
  return {
    mode: 'plan',
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
    expect(text).toContain('| **Total** | 2 | 2 | 0 | 2 | 2 | 2 |')
    expect(text).toContain('- flow <b>company.team.same</b>')
    expect(text).toContain('- flow <b>other.ns.quiet</b>')
    expect(text).toContain(`Plan fingerprint: \`${plan.fingerprint}\``)
    expect(renderSummary(summaryInput({ plan: mixedPlan() }))).toBe(text)
  })

  it('stays within 1 MiB for a huge plan, dropping the largest diffs first', () => {
    const plan = bigPlan(500, 60)
    const total = plan.resources.reduce((n, r) => n + (r.diff?.length ?? 0), 0)
    expect(total).toBeGreaterThan(2 * 1_048_576)
    const text = renderSummary(summaryInput({ plan }))
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1_048_576)
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(900_000)
    expect(text).toContain('Some detail was left out')
    const shown = nodesOf(parseMarkdown(text), 'code').length
    expect(shown).toBeGreaterThan(100)
    expect(countOf(text, 'Diff omitted to keep the job summary within its size limit.')).toBe(
      500 - shown
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
