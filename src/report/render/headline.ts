import type { DeployStatus } from '../../model/result.js'
import { resourceName, type Plan, type PlanCounts } from '../../model/plan.js'
import type { Finding } from '../../model/finding.js'
import { escapeText, commitText } from '../../model/markdown/escape.js'
import type { ReportInput } from './input.js'
import { findingCounts } from '../../engine/validate/verdict.js'

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

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function tallyText(findings: readonly Finding[]): string {
  const counts = findingCounts(findings)
  const tally = [plural(counts.error, 'error'), plural(counts.warning, 'warning')]
  if (counts.notice > 0) tally.push(plural(counts.notice, 'notice'))
  return tally.join(', ')
}

export function validationFailed(findings: readonly Finding[], failOn = 'error'): boolean {
  const counts = findingCounts(findings)
  return counts.error > 0 || (failOn === 'warning' && counts.warning > 0)
}

function verdictLine(findings: readonly Finding[], failOn: 'error' | 'warning'): string {
  const verdict = validationFailed(findings, failOn)
    ? '❌ **Validation failed**'
    : '✅ **Validation passed**'
  return `${verdict}: ${tallyText(findings)}`
}

/**
 * The verdict, then the target on a line of its own: a backslash break, as a job summary (unlike a
 * comment) joins plain consecutive lines into one.
 */
export function verdictAndTarget(
  input: ReportInput,
  { layoutReason = true }: { layoutReason?: boolean } = {}
): string {
  return `${verdictLine(input.findings, input.failOn ?? 'error')}\\\n${targetLine(input, layoutReason)}`
}

/**
 * The target: server, tenant, commit and layout. The layout's reason only where the whole report is (the
 * job summary): under a comment's headline it read like a problem (docs/comment.md#what-reviewers-see).
 */
function targetLine(input: ReportInput, layoutReason: boolean): string {
  const server = input.server ? escapeText(input.server) : 'none configured'
  const commit = commitText(input.commit, input.repositoryUrl)
  const reason = input.layout && layoutReason ? ` (${escapeText(input.layout.reason)})` : ''
  const layout = input.layout ? ` · **Layout** ${escapeText(input.layout.layout)}${reason}` : ''
  return `**Server** ${server} · **Tenant** ${escapeText(input.tenant)} · **Commit** ${commit}${layout}`
}

/** `Kestra plan · staging` for a comment-key other than `default` (docs/comment.md#what-reviewers-see). */
function subject(what: 'plan' | 'validation' | 'deploy', commentKey: string | undefined): string {
  const key = commentKey && commentKey !== 'default' ? ` · ${escapeText(commentKey)}` : ''
  return `Kestra ${what}${key}`
}

export function title(input: ReportInput): string {
  return input.plan
    ? `### ${subject('plan', input.commentKey)}: ${countsText(input.plan.counts)}`
    : `### ${subject('validation', input.commentKey)}`
}

/** docs/comment.md#headline-after-a-deploy */
type DeployOutcome = DeployStatus | 'rolled-back' | 'rollback-incomplete'

const DEPLOY_OUTCOME: Record<DeployOutcome, string> = {
  applied: '✅ applied',
  'nothing-to-do': '✅ up to date',
  refused: '⚠️ not deployed',
  failed: '❌ failed',
  'rolled-back': '↩️ rolled back',
  'rollback-incomplete': '⚠️ rollback incomplete'
}

/** The headline once a deploy ran, in place of the plan's; `detail` is Markdown. */
export function deployTitle(status: DeployOutcome, detail: string, commentKey?: string): string {
  return `### ${subject('deploy', commentKey)}: ${DEPLOY_OUTCOME[status]}${detail ? `, ${detail}` : ''}`
}

const HEADLINE = /^### Kestra (plan|validation|deploy)\b/

export function withHeadline(markdown: string, headline: string): string {
  const lines = markdown.split('\n')
  const at = lines[0]?.startsWith('<!--') ? 1 : 0
  if (HEADLINE.test(lines[at] ?? '')) lines[at] = headline
  else lines.splice(at, 0, headline)
  return lines.join('\n')
}

/** The line right under the headline naming what the plan deletes (docs/comment.md#deletions). */
export function deletionLines(plan: Plan | undefined): string[] {
  const text = plan && deletionsText(plan)
  if (!text) return []
  return [`> [!CAUTION]\n> 🔴 **${escapeText(text.counts)}:** ${escapeText(text.names)}`]
}

export function noteLines(notes: readonly string[] | undefined): string[] {
  return (notes ?? []).map((note) => `> ${escapeText(note)}`)
}

export function unfinishedText(executions: readonly unknown[]): string {
  return `${plural(executions.length, 'execution')} not finished`
}

/** How many deletions the line under the headline names (docs/comment.md#deletions). */
const NAMED = 10

export function deletionNames(plan: Plan): string[] {
  return plan.resources
    .filter((r) => r.action === 'delete')
    .map((r) => `${r.kind} ${resourceName(r)}`)
}

/** The deletion line's plain text (the caller escapes it): counts per kind, then the first names. */
export function deletionsText(plan: Plan): { counts: string; names: string } | undefined {
  const deleted = plan.resources.filter((r) => r.action === 'delete')
  if (deleted.length === 0) return undefined
  const byKind = new Map<string, number>()
  for (const r of deleted) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1)
  const counts = [...byKind].map(([kind, n]) => plural(n, kind)).join(', ')
  const names = deletionNames(plan)
  const more = names.length > NAMED ? `, and ${names.length - NAMED} more` : ''
  return { counts: `Deletes ${counts}`, names: `${names.slice(0, NAMED).join(', ')}${more}.` }
}
