import {
  countPlan,
  isWrite,
  resourceName,
  type Plan,
  type ResourceChange
} from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'
import { countsText } from './headline.js'
import { detailsBlock, summaryLine, type InvalidCount } from './resource.js'
import type { DecideKind } from '../../engine/decide-kind.js'
import { uiWorkText } from './ui-work.js'

/** A part of a document; one that can shrink has a `reduced` form to replace `full` when space runs out. */
export type Piece = string | { full: string; reduced: string }

const SEPARATOR = '\n\n'

/**
 * Joins the pieces with blank lines within `budget` (as measured), reducing first the shrinkables that
 * save the most. Measures each piece once: linear in the document size (plus a sort).
 */
export function fitPieces(
  pieces: readonly Piece[],
  budget: number,
  measure: (text: string) => number
): { text: string; reduced: number } | undefined {
  const separators = Math.max(0, pieces.length - 1) * measure(SEPARATOR)
  let total = separators
  const savings: { index: number; saving: number }[] = []
  for (const [index, piece] of pieces.entries()) {
    if (typeof piece === 'string') {
      total += measure(piece)
      continue
    }
    const full = measure(piece.full)
    total += full
    savings.push({ index, saving: full - measure(piece.reduced) })
  }
  savings.sort((a, b) => b.saving - a.saving || a.index - b.index)
  const reduced = new Set<number>()
  for (const { index, saving } of savings) {
    if (total <= budget) break
    reduced.add(index)
    total -= saving
  }
  if (total > budget) return undefined
  const text = pieces
    .map((piece, index) =>
      typeof piece === 'string' ? piece : reduced.has(index) ? piece.reduced : piece.full
    )
    .join(SEPARATOR)
  return { text, reduced: reduced.size }
}

export const utf16Length = (text: string): number => text.length

/** How much of the plan to show; each diff can shrink to `omittedNote`. */
export type Detail = 'diffs' | 'lines' | 'counts'

export interface ChangesOptions {
  detail: Detail
  omittedNote: string
  /** List unchanged resources by name (job summary) rather than only count them. */
  listUnchanged: boolean
  countsOmittedNote: string
  invalid: InvalidCount
  kestraUi?: string
  kinds: readonly DecideKind[]
}

export function changePieces(plan: Plan, options: ChangesOptions): Piece[] {
  const groups = groupByNamespace(plan.resources)
  const active = groups.filter((g) => g.resources.some((r) => r.action !== 'unchanged'))
  const pieces: Piece[] = []
  if (active.length === 0) {
    pieces.push('#### Changes', 'No changes: the server already matches the repository.')
  } else if (options.detail === 'counts') {
    const lines = active.map(
      (g) => `- ${escapeText(g.section ?? g.namespace)}: ${countsText(countPlan(g.resources))}`
    )
    pieces.push('#### Changes', { full: lines.join('\n'), reduced: options.countsOmittedNote })
  } else {
    for (const group of active) pieces.push(...namespacePieces(group, options))
  }
  const activeSet = new Set(active)
  const quiet = groups.filter((g) => !activeSet.has(g))
  if (quiet.length > 0 && active.length > 0) {
    const unchanged = quiet.flatMap((g) => g.resources)
    const s = quiet.length === 1 ? '' : 's'
    const line = `No changes in ${quiet.length} other namespace${s} (${unchanged.length} unchanged).`
    const listed = options.listUnchanged && options.detail === 'diffs'
    pieces.push(listed ? { full: unchangedList(line, unchanged), reduced: line } : line)
  }
  return pieces
}

interface NamespaceGroup {
  namespace: string
  /** A tenant-wide kind's section (its own heading), instead of a namespace. */
  section?: string
  resources: ResourceChange[]
}

/** Plan resources are sorted by namespace: one pass groups them, tenant-wide ones by their section. */
function groupByNamespace(resources: readonly ResourceChange[]): NamespaceGroup[] {
  const groups: NamespaceGroup[] = []
  for (const r of resources) {
    const same = (g: NamespaceGroup) => g.namespace === r.namespace && g.section === r.section
    const group = r.section === undefined ? groups[groups.length - 1] : groups.find(same)
    if (group && same(group)) group.resources.push(r)
    else groups.push({ namespace: r.namespace, section: r.section, resources: [r] })
  }
  return groups
}

/** A namespace's changes, under a heading no smaller than its resource lines (GitHub's h5 is). */
function namespacePieces(group: NamespaceGroup, options: ChangesOptions): Piece[] {
  const heading = `#### ${escapeText(group.section ?? `Namespace ${group.namespace}`)}`
  const written = group.resources.filter(isWrite)
  const orphaned = group.resources.filter((r) => r.action === 'orphaned')
  const unchanged = group.resources.filter((r) => r.action === 'unchanged')
  const orphanLines = orphaned.map((r) => summaryLine(r, options))
  const unchangedCount = `${unchanged.length} unchanged.`
  if (options.detail === 'lines') {
    const lines = [...written.map((r) => summaryLine(r, options)), ...orphanLines].map(
      (line) => `- ${line}`
    )
    return [[heading, lines.join('\n'), ...(unchanged.length ? [unchangedCount] : [])].join('\n\n')]
  }
  const pieces: Piece[] = [heading]
  for (const r of written) {
    pieces.push(
      r.diff === undefined
        ? detailsBlock(r, options)
        : {
            full: detailsBlock(r, options),
            reduced: detailsBlock(r, options, options.omittedNote)
          }
    )
  }
  // Kept resources are lines of their own under the folded rows, not a list item among them.
  if (orphanLines.length > 0) pieces.push(orphanLines.join('\\\n'))
  if (unchanged.length > 0) {
    pieces.push(
      options.listUnchanged
        ? {
            full: unchangedList(`${unchanged.length} unchanged`, unchanged),
            reduced: unchangedCount
          }
        : unchangedCount
    )
  }
  return pieces
}

function unchangedList(summary: string, unchanged: ResourceChange[]): string {
  const items = unchanged.map((r) => `- ${r.kind} <b>${escapeText(resourceName(r))}</b>`)
  return `<details><summary>${summary}</summary>\n\n${items.join('\n')}\n\n</details>`
}

export const DRIFT_CONSEQUENCE = {
  planned: 'Merging overwrites (or deletes) those edits; orphaned ones are kept.',
  deployed:
    'The deploy below overwrote (or deleted) those edits where it wrote the resource; orphaned ones were kept.'
} as const

/** Drift warning: names only, each resource's full line is in its namespace above. */
export function driftPieces(plan: Plan, detail: Detail): string[] {
  const drifted = plan.resources.filter((r) => r.drifted)
  if (drifted.length === 0) return []
  const intro = `The server copy of these resources was changed outside Git since the base commit. ${DRIFT_CONSEQUENCE.planned}`
  if (detail === 'counts') {
    return [`#### ⚠️ Drift\n\n${intro} ${drifted.length} drifted resources: see the job summary.`]
  }
  // What was done outside Git and what deploying does to it, when the plan can tell (docs/drift.md).
  const list = drifted
    .map((r) => {
      const ui = uiWorkText(r)
      const said = ui ? `: ${escapeText(ui)}` : ` (${r.action})`
      return `- ${r.kind} <b>${escapeText(resourceName(r))}</b>${said}`
    })
    .join('\n')
  return [`#### ⚠️ Drift\n\n${intro}\n\n${list}`]
}
