import { escapeText, linkTarget, shownDate } from '../../model/markdown/escape.js'
import { fitPieces, utf16Length, type Piece } from '../render/fit.js'
import { COMMENT_LIMIT, runLine } from '../../model/markdown/comment-markers.js'
import { driftMarker } from './markers.js'
import {
  AUTHOR_NOTE,
  codeName,
  driftDetails,
  driftLine,
  headText,
  kestraText,
  type DriftTarget,
  type ShownDrift
} from './reports.js'

/** Room kept under GitHub's body limit for the marker, the last-checked line and the run link. */
const ISSUE_BUDGET = COMMENT_LIMIT - 2_000

export interface DriftReportInput extends DriftTarget {
  /** What `drift-action` did, in a sentence (e.g. the pull request, or the revert's outcome). */
  action?: string
  pullRequestUrl?: string
  runUrl?: string
  /** ISO-8601 time of this run: an issue is rewritten on every run. */
  checkedAt: string
}

export function driftTitle(
  input: Pick<DriftReportInput, 'commentKey' | 'branch' | 'items'>
): string {
  const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`
  const n = input.items.length
  return `Kestra drift${key}: ${n} resource${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from ${input.branch}`
}

/** The drift issue's body (docs/drift.md#the-drift-issue): within GitHub's limit, every resource named. */
export function driftIssueBody(input: DriftReportInput): string {
  const head = [driftMarker(input.commentKey), driftHeading(input), ...intro(input)].join('\n\n')
  const tail = [
    AUTHOR_NOTE,
    `Last checked ${escapeText(shownDate(input.checkedAt) ?? input.checkedAt)}.${input.runUrl ? ` ${runLine(input.runUrl)}` : ''}`
  ].join('\n\n')
  const budget = ISSUE_BUDGET - head.length - tail.length
  return [head, driftList(input.items, budget), tail].join('\n\n')
}

/** The drift section of the job summary: the same list, within the summary's own room. */
export function driftSummarySection(input: DriftReportInput, budget: number): string {
  return [driftHeading(input), ...intro(input), driftList(input.items, budget), AUTHOR_NOTE].join(
    '\n\n'
  )
}

function driftHeading(input: DriftReportInput): string {
  const key = input.commentKey === 'default' ? '' : ` · ${escapeText(input.commentKey)}`
  return `### ⚠️ Kestra drift${key}: ${input.items.length} resource(s) differ from ${codeName(input.branch)}`
}

function intro(input: DriftReportInput): string[] {
  const lines = [
    `${kestraText(input)} no longer matches ${headText(input)}: these resources were changed outside Git, and the next deploy overwrites those edits. Each diff reads from Git to what Kestra holds.`
  ]
  if (input.pullRequestUrl) {
    lines.push(
      `The edits are brought back in [this pull request](${linkTarget(input.pullRequestUrl)}).`
    )
  }
  if (input.action) lines.push(escapeText(input.action))
  return lines
}

/** Every resource's line; diffs as room allows, the largest dropped first, then names only. */
function driftList(items: readonly ShownDrift[], budget: number): string {
  const note = 'Diff omitted to fit: the job summary of the run holds it.'
  const pieces: Piece[] = items.map((item) =>
    item.diff === undefined
      ? driftDetails(item)
      : { full: driftDetails(item), reduced: driftDetails(item, note) }
  )
  const fitted = fitPieces(pieces, budget, utf16Length)
  if (fitted) return fitted.text
  const lines = items.map((item) => `- ${driftLine(item)}`)
  const names = fitPieces(lines, budget - 200, utf16Length)
  const shown = names?.text ?? lines.slice(0, Math.max(1, Math.floor(budget / 400))).join('\n')
  return `Diffs omitted to fit: the job summary of the run holds them.\n\n${shown}`
}

/** The comment that closes the issue (docs/drift.md#the-drift-issue). */
export function driftGoneComment(input: {
  branch: string
  commit: string
  reverted: boolean
  runUrl?: string
}): string {
  const how = input.reverted
    ? `Reverted: Git was deployed over the drift, and Kestra matches Git again`
    : 'No more drift: Kestra matches Git'
  const run = input.runUrl ? `\n\n${runLine(input.runUrl)}` : ''
  return `${how} (${headText(input)}).${run}`
}
