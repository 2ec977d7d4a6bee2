import type { PlanCounts } from '../plan/types.js'
import type { Finding } from '../validate/finding.js'
import { escapeText } from './escape.js'
import type { ReportInput } from './input.js'

/** `N to create, N to update, N to delete, N unchanged`, plus orphaned and drifted when non-zero. */
export function countsText(counts: PlanCounts): string {
  const parts = [
    `${counts.create} to create`,
    `${counts.update} to update`,
    `${counts.delete} to delete`,
    `${counts.unchanged} unchanged`
  ]
  if (counts.orphaned > 0) parts.push(`${counts.orphaned} orphaned`)
  if (counts.drifted > 0) parts.push(`${counts.drifted} drifted`)
  return parts.join(', ')
}

export function findingCounts(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return counts
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function verdictLine(findings: readonly Finding[], failOn: 'error' | 'warning'): string {
  const counts = findingCounts(findings)
  const failed = counts.error > 0 || (failOn === 'warning' && counts.warning > 0)
  const tally = [plural(counts.error, 'error'), plural(counts.warning, 'warning')]
  if (counts.notice > 0) tally.push(plural(counts.notice, 'notice'))
  return `${failed ? '❌ **Validation failed**' : '✅ **Validation passed**'}: ${tally.join(', ')}`
}

export function targetLine(input: ReportInput): string {
  const server = input.server ? escapeText(input.server) : 'none configured'
  const commit = escapeText(input.commit.slice(0, 7)) || 'unknown'
  const layout = input.layout
    ? ` · **Layout** ${escapeText(input.layout.layout)} (${escapeText(input.layout.reason)})`
    : ''
  return `**Server** ${server} · **Tenant** ${escapeText(input.tenant)} · **Commit** ${commit}${layout}`
}

export function title(input: ReportInput): string {
  return input.plan ? `### Kestra plan: ${countsText(input.plan.counts)}` : '### Kestra validation'
}

export function noteLines(notes: readonly string[] | undefined): string[] {
  return (notes ?? []).map((note) => `> ${escapeText(note)}`)
}
