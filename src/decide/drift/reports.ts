import { escapeHtml, escapeText, shownDate } from '../../model/markdown/escape.js'
import { fence } from '../../model/markdown/fence.js'
import type { DriftedResource, DriftKind } from '../../model/drift.js'
import type { ResourceChange } from '../../model/plan.js'

const KIND_TEXT: Record<DriftKind, string> = {
  edited: 'edited in Kestra',
  'only-in-kestra': 'only in Kestra',
  'deleted-in-kestra': 'deleted in Kestra'
}

/** What both drift reports are about: the server, the default branch's head, the drifted resources. */
export interface DriftTarget {
  commentKey: string
  server: string
  tenant: string
  /** The default branch and its head, as planned. */
  branch: string
  commit: string
  items: ShownDrift[]
}

/** `Kestra at <server> (tenant main)`, as HTML. */
export function kestraText(target: Pick<DriftTarget, 'server' | 'tenant'>): string {
  return `Kestra at ${escapeText(target.server)} (tenant ${escapeText(target.tenant)})`
}

/** `main at abc1234`, as HTML. */
export function headText(target: Pick<DriftTarget, 'branch' | 'commit'>): string {
  return `${codeName(target.branch)} at ${codeName(target.commit.slice(0, 7))}`
}

/** What a drifted resource shows as, with what the run did about it (revert: conflict, kept…). */
export interface ShownDrift extends Omit<DriftedResource, 'change'> {
  resourceKind: ResourceChange['kind']
  /** The repository file that holds (or held) it. */
  file?: string
  /** What became of it in this run, e.g. `conflict: …` or `kept: delete is false`. */
  note?: string
}

/**
 * A name or path of the repository or the server inside HTML (a `<summary>`): inline code, HTML-escaped,
 * on one line, so it shows as written and can open nothing.
 */
export function codeName(text: string): string {
  return `<code>${escapeHtml(text.replace(/\s*[\r\n]+\s*/g, ' '))}</code>`
}

/** `flow company.team.solo — edited in Kestra, revision 3, saved 2026-01-01 10:02 UTC`, as HTML. */
export function driftLine(item: ShownDrift): string {
  const parts = [KIND_TEXT[item.kind]]
  if (item.revision !== undefined && item.kind !== 'deleted-in-kestra') {
    parts.push(`revision ${item.revision}`)
  }
  const date = item.kind === 'deleted-in-kestra' ? undefined : shownDate(item.updated)
  if (date) parts.push(`saved ${date}`)
  if (item.file) parts.push(`in ${codeName(item.file)}`)
  const note = item.note ? ` — <b>${escapeText(item.note)}</b>` : ''
  return `${item.resourceKind} ${codeName(item.name)} — ${parts.join(', ')}${note}`
}

/** One drifted resource with its diff from Git to Kestra, folded; `reduced` drops the diff. */
export function driftDetails(item: ShownDrift, reducedNote?: string): string {
  const body =
    reducedNote ??
    (item.diff !== undefined
      ? fence(item.diff, 'diff')
      : item.diffOmitted === 'binary'
        ? 'Binary content: no diff.'
        : item.diffOmitted === 'too-large'
          ? 'Diff omitted: the content is too large to compare line by line.'
          : 'No diff.')
  return `<details><summary>${driftLine(item)}</summary>\n\n${body}\n\n</details>`
}

/** Kestra keeps when a revision was saved, never who saved it (docs/kestra.md#who-changed-a-flow-and-when). */
export const AUTHOR_NOTE =
  'Kestra records when a flow revision was saved, not who saved it: look in Kestra Enterprise’s audit log for the user.'
