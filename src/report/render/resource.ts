import { findingTargets, changeTargets } from '../../model/targets.js'
import { resourceName, type ResourceChange } from '../../model/plan.js'
import { kindOf, type DecideKind } from '../../engine/decide-kind.js'
import type { Finding } from '../../model/finding.js'
import { escapeHtml, escapeText } from '../../model/markdown/escape.js'
import { fence } from '../../model/markdown/fence.js'
import { plural } from './headline.js'
import { uiWorkText } from './ui-work.js'

const ACTION_LABEL: Record<ResourceChange['action'], string> = {
  create: '🟢 create',
  update: '🟡 update',
  delete: '🔴 delete',
  orphaned: '⚪ orphaned',
  unchanged: 'unchanged'
}

/** How many findings a resource has, when one of them is an error; undefined when it is valid. */
export type InvalidCount = (r: ResourceChange) => number | undefined

/** Findings concern a resource by its key or by its repository file (as the deploy gate matches them). */
export function invalidCounts(findings: readonly Finding[]): InvalidCount {
  const byKey = new Map<string, { count: number; error: boolean }>()
  const add = (key: string, f: Finding) => {
    const entry = byKey.get(key) ?? { count: 0, error: false }
    entry.count++
    entry.error ||= f.severity === 'error'
    byKey.set(key, entry)
  }
  for (const f of findings) for (const target of findingTargets(f)) add(target, f)
  return (r) => {
    // The file's findings include the resource's own when it has a file: count those, not both.
    const [own, file] = changeTargets(r).map((target) => byKey.get(target))
    return own?.error || file?.error ? (file ?? own)!.count : undefined
  }
}

interface LineLinks {
  invalid?: InvalidCount
  kinds: readonly DecideKind[]
  kestraUi?: string
}

/** One escaped line saying what happens to the resource, usable in `<summary>` and in Markdown. */
export function summaryLine(r: ResourceChange, links: LineLinks): string {
  const findings = links.invalid?.(r)
  const parts = [`${ACTION_LABEL[r.action]} ${r.kind} <b>${escapeText(resourceName(r))}</b>`]
  if (findings !== undefined) parts.push(`❌ invalid (${plural(findings, 'finding')})`)
  const counts = lineCounts(r)
  if (counts) parts.push(counts)
  parts.push(...kindMarks(links.kinds, r))
  const ui = uiWorkText(r)
  if (r.drifted) parts.push(ui ? `⚠️ drifted: ${escapeText(ui)}` : '⚠️ drifted')
  if (r.remark !== undefined) parts.push(escapeText(r.remark))
  else if (r.action === 'orphaned' && !ui) parts.push('kept because <code>delete</code> is false')
  const page = kestraPageOf(r, links.kinds, links.kestraUi)
  if (page) parts.push(`<a href="${escapeHtml(page)}">open in Kestra</a>`)
  return parts.join(' · ')
}

/** A resource the plan creates has no page yet (docs/comment.md#links-to-kestra). */
export function kestraPageOf(
  r: ResourceChange,
  kinds: readonly DecideKind[],
  kestraUi: string | undefined
): string | undefined {
  if (kestraUi === undefined || r.action === 'create') return undefined
  return kindOf(kinds, r).kestraPage?.(r, kestraUi)
}

/** A change's marks as its line shows them, each after its sign. */
export function kindMarks(kinds: readonly DecideKind[], r: ResourceChange): string[] {
  return (kindOf(kinds, r).marks?.(r) ?? []).map((m) => (m.sign ? `${m.sign} ${m.text}` : m.text))
}

/** A change's marks in words alone: `--json`'s, plain text. */
export function plainMarks(kinds: readonly DecideKind[], r: ResourceChange): string[] {
  return (kindOf(kinds, r).marks?.(r) ?? []).map((m) => m.text)
}

export function kindAbove(kinds: readonly DecideKind[], r: ResourceChange): string[] {
  return kindOf(kinds, r).above?.(r) ?? []
}

function lineCounts(r: ResourceChange): string | undefined {
  if (r.additions === undefined || r.deletions === undefined) return undefined
  const counts = `+${r.additions} −${r.deletions}`
  return r.diffOmitted === 'too-large' ? `${counts} lines, diff omitted: too large` : counts
}

export function detailsBlock(
  r: ResourceChange,
  links: LineLinks,
  diffOmittedNote?: string
): string {
  const diff =
    r.diff === undefined
      ? noDiffText(r.diffOmitted, 'Empty content.')
      : (diffOmittedNote ?? fence(r.diff, 'diff'))
  const body = [...kindAbove(links.kinds, r), diff].join('\n\n')
  return `<details><summary>${summaryLine(r, links)}</summary>\n\n${body}\n\n</details>`
}

/** What stands for a diff that content has none of: why (binary, too large), else `otherwise`. */
export function noDiffText(omitted: ResourceChange['diffOmitted'], otherwise: string): string {
  if (omitted === 'binary') return 'Binary content: no diff.'
  if (omitted === 'too-large')
    return 'Diff omitted: the content is too large to compare line by line.'
  return otherwise
}
