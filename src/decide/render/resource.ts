import { findingTargets } from '../../model/targets.js'
import { changeTargets } from '../../model/targets.js'
import { resourceName, type FileContentSummary, type ResourceChange } from '../../model/plan.js'
import type { Finding } from '../../model/finding.js'
import { escapeHtml, escapeText } from '../../model/markdown/escape.js'
import { fence } from '../../model/markdown/fence.js'
import { impactMarks, impactText } from './impact.js'
import { reviewMarks, reviewText } from './review.js'

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
    const entry = file ?? own
    return own?.error || file?.error ? entry!.count : undefined
  }
}

/**
 * One line saying what happens to the resource (escaped, usable in `<summary>` and in Markdown), ending
 * with a link to its page in the Kestra UI when `kestraUi` is known.
 */
export function summaryLine(r: ResourceChange, invalid?: InvalidCount, kestraUi?: string): string {
  const findings = invalid?.(r)
  const parts = [`${ACTION_LABEL[r.action]} ${r.kind} <b>${escapeText(resourceName(r))}</b>`]
  if (findings !== undefined)
    parts.push(`❌ invalid (${findings} finding${findings === 1 ? '' : 's'})`)
  const size = sizeText(r)
  if (size) parts.push(size)
  if (r.kind === 'flow' && r.current) {
    parts.push(
      r.action === 'update'
        ? `rev ${r.current.revision} → ${r.current.revision + 1}`
        : `rev ${r.current.revision}`
    )
  }
  parts.push(...impactMarks(r), ...reviewMarks(r))
  if (r.drifted) parts.push('⚠️ drifted')
  if (r.remark !== undefined) parts.push(escapeText(r.remark))
  else if (r.action === 'orphaned') parts.push('kept because <code>delete</code> is false')
  const page = kestraUi === undefined ? undefined : kestraPage(kestraUi, r)
  if (page) parts.push(`<a href="${escapeHtml(page)}">open in Kestra</a>`)
  return parts.join(' · ')
}

/**
 * The resource's page in the Kestra UI (docs/comment.md#links-to-kestra): a flow's editor, a namespace
 * file's namespace Files tab; undefined for kinds without one here.
 */
export function kestraPage(kestraUi: string, r: ResourceChange): string | undefined {
  const part = encodeURIComponent
  if (r.kind === 'flow') return `${kestraUi}/flows/edit/${part(r.namespace)}/${part(r.id)}`
  if (r.kind === 'file') return `${kestraUi}/namespaces/edit/${part(r.namespace)}/files`
  return undefined
}

function sizeText(r: ResourceChange): string | undefined {
  if (r.diffOmitted === 'binary' && r.kind === 'file') {
    const sides = [r.current, r.action === 'delete' ? undefined : r.desired].filter(
      (s): s is FileContentSummary => s !== undefined
    )
    const sizes = sides.map((s) => formatBytes(s.size)).join(' → ')
    const hashes = sides.map((s) => s.sha256.slice(0, 12)).join(' → ')
    return `binary, ${sizes}, sha256 ${hashes}`
  }
  if (r.additions === undefined || r.deletions === undefined) return undefined
  const counts = `+${r.additions} −${r.deletions}`
  return r.diffOmitted === 'too-large' ? `${counts} lines, diff omitted: too large` : counts
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / (1024 * 1024)).toFixed(1)} MB`
}

/** The `<details>` block of a written resource, with its diff or the reason it has none. */
export function detailsBlock(
  r: ResourceChange,
  links: { invalid?: InvalidCount; kestraUi?: string } = {},
  diffOmittedNote?: string
): string {
  const diff = r.diff === undefined ? noDiffText(r) : (diffOmittedNote ?? fence(r.diff, 'diff'))
  const above = [impactText(r), reviewText(r)].filter((text) => text !== undefined)
  const body = [...above, diff].join('\n\n')
  return `<details><summary>${summaryLine(r, links.invalid, links.kestraUi)}</summary>\n\n${body}\n\n</details>`
}

function noDiffText(r: ResourceChange): string {
  if (r.diffOmitted === 'binary') return 'Binary content: no diff.'
  if (r.diffOmitted === 'too-large')
    return 'Diff omitted: the content is too large to compare line by line.'
  return 'Empty content.'
}
