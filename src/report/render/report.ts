import { upgradeSection } from './upgrade.js'
import { suggestionsSection } from './suggestions.js'
import { invalidCounts } from './resource.js'
import { changePieces, driftPieces, fitPieces, utf16Length } from './changes.js'
import type { ChangesOptions, Detail, Piece } from './changes.js'
import { findingsSection } from './findings.js'
import { deletionLines, noteLines, title, verdictAndTarget } from './headline.js'
import type { CommentInput, ReportInput, SummaryInput } from './input.js'
import { type Plan, type PlanCounts, countPlan } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'
import { utf8Length } from '../../model/content.js'
import type { DecideKind } from '../../engine/decide-kind.js'
import { commentMarker, planMarkerLine, runLine } from '../../model/markdown/comment-markers.js'
import { planRecord } from '../../model/plan-record.js'

const COMMENT_BUDGET = 60_000

const SUMMARY_POINTER = '> [!NOTE]\n> The full plan is in the job summary of this run.'

/** GitHub rejects job summaries over 1 MiB. */
const SUMMARY_BUDGET_BYTES = 1_048_576

const TRIMMED_NOTE =
  '> [!NOTE]\n> Some detail was left out to keep this summary within GitHub’s 1 MiB limit.'

/**
 * The sticky PR comment (docs/comment.md). Deterministic: only `runUrl`, on the last line, varies between
 * runs of the same plan. Within `budget` by dropping detail.
 */
export function renderComment(input: CommentInput): string {
  const plan = input.plan
  const deletions = deletionLines(plan)
  const first = `${commentMarker(input.commentKey)}\n${title(input)}`
  const body = fitReport(input, {
    budget: (input.budget ?? COMMENT_BUDGET) - runLine(input.runUrl).length - 2,
    measure: utf16Length,
    head: [
      first,
      verdictAndTarget(input, { layoutReason: false }),
      ...deletions,
      ...noteLines(input.notes)
    ],
    findings: [plan ? 0.4 : 0.9, 'see the job summary'],
    pointer: SUMMARY_POINTER,
    changes: {
      omittedNote: 'Diff omitted: see the job summary.',
      listUnchanged: false,
      countsOmittedNote: 'Too many namespaces changed to list here: see the job summary.'
    },
    footer: (plan, detail) => {
      const record = planRecord(plan, input.commit, input.settings)
      // A comment that has to drop detail records the settings but not the changes.
      const { changes: _changes, omitted: _omitted, ...brief } = record
      return [
        `Plan fingerprint: \`${plan.fingerprint}\``,
        planMarkerLine(plan.fingerprint, input.commit, detail === 'diffs' ? record : brief)
      ]
    },
    // Even the shortest comment names the deletions (docs/comment.md#deletions).
    minimal: [first, ...deletions, SUMMARY_POINTER]
  })
  const last = runLine(input.runUrl)
  return last ? `${body}\n\n${last}` : body
}

/** The job summary: every finding and every resource with its full diff, within the byte budget. */
export function renderSummary(input: SummaryInput): string {
  const plan = input.plan
  return fitReport(input, {
    budget: input.budgetBytes ?? SUMMARY_BUDGET_BYTES,
    measure: utf8Length,
    head: [
      title(input),
      verdictAndTarget(input),
      ...deletionLines(plan),
      ...noteLines(input.notes),
      ...(plan ? [countsTable(plan, input.kinds)] : [])
    ],
    findings: [plan ? 0.5 : 0.95, 'the summary is limited to 1 MiB; the plan file lists them all'],
    pointer: TRIMMED_NOTE,
    changes: {
      omittedNote: 'Diff omitted to keep the job summary within its size limit.',
      listUnchanged: true,
      countsOmittedNote: 'Too many namespaces changed to list here.'
    },
    footer: (plan) => [`Plan fingerprint: \`${plan.fingerprint}\``],
    minimal: [title(input), TRIMMED_NOTE]
  })
}

/** What a channel (the comment, the job summary) shows beside the report, and how much room it has. */
interface Channel {
  budget: number
  measure: (text: string) => number
  head: string[]
  /** The part of the budget the findings may take, and where those left out are. */
  findings: [share: number, omittedWhere: string]
  /** Said above the changes once detail was dropped. */
  pointer: string
  changes: Pick<ChangesOptions, 'omittedNote' | 'listUnchanged' | 'countsOmittedNote'>
  footer(plan: Plan, detail: Detail | 'minimal'): string[]
  /** What is shown when nothing else fits, above the footer. */
  minimal: string[]
}

/** Drops detail step by step: diffs largest first, then blocks become lines, then counts. */
function fitReport(input: ReportInput, channel: Channel): string {
  const { plan } = input
  const head: Piece[] = [...channel.head]
  const findings = findingsSection(
    input.findings,
    Math.floor(channel.budget * channel.findings[0]),
    channel.measure,
    channel.findings[1],
    input,
    input.changedFiles
  )
  if (findings) head.push(findings)
  const upgrade = upgradeSection(input.upgrade)
  if (upgrade) head.push(upgrade)
  const suggestions = suggestionsSection(input.suggestions)
  if (suggestions) head.push(suggestions)
  const fit = (pieces: Piece[]) => fitPieces(pieces, channel.budget, channel.measure)
  if (!plan) return fit(head)?.text ?? channel.minimal.join('\n\n')
  const invalid = invalidCounts(input.findings)
  const changesAt = (detail: Detail): Piece[] => [
    ...changePieces(plan, {
      detail,
      invalid,
      ...channel.changes,
      kestraUi: input.kestraUi,
      kinds: input.kinds
    }),
    ...driftPieces(plan, detail),
    ...channel.footer(plan, detail)
  ]
  const attempt = (changes: Piece[], pointer: boolean) =>
    fit([...head, ...(pointer ? [channel.pointer] : []), ...changes])
  // Rendered once for both attempts that show every diff: without the pointer, then with it.
  const diffs = changesAt('diffs')
  const whole = attempt(diffs, false)
  return (
    (whole?.reduced === 0 ? whole.text : undefined) ??
    attempt(diffs, true)?.text ??
    attempt(changesAt('lines'), true)?.text ??
    attempt(changesAt('counts'), true)?.text ??
    [...channel.minimal, ...channel.footer(plan, 'minimal')].join('\n\n')
  )
}

function countsTable(plan: Plan, kinds: readonly DecideKind[]): string {
  const row = (label: string, c: PlanCounts) =>
    `| ${label} | ${c.create} | ${c.update} | ${c.delete} | ${c.orphaned} | ${c.unchanged} | ${c.drifted} |`
  const namespaced = plan.resources.filter((r) => r.section === undefined)
  const kindRows = kinds.flatMap((kind) => {
    const ofKind = namespaced.filter((r) => r.kind === kind.name)
    return ofKind.length === 0 ? [] : [row(escapeText(kind.label), countPlan(ofKind))]
  })
  const sections = [...new Set(plan.resources.flatMap((r) => r.section ?? []))]
  const ofSection = (section: string) =>
    countPlan(plan.resources.filter((r) => r.section === section))
  return [
    '| | create | update | delete | orphaned | unchanged | drifted |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...kindRows,
    ...sections.map((section) => row(escapeText(section), ofSection(section))),
    row('**Total**', plan.counts)
  ].join('\n')
}
