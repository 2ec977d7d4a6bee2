import { changePieces, driftPieces, type Detail } from './changes.js'
import { upgradeSection } from './upgrade.js'
import { invalidCounts } from './resource.js'
import { fitPieces, utf16Length, type Piece } from './fit.js'
import { findingsSection, sourceLink } from './findings.js'
import { deletionLine, noteLines, title, verdictAndTarget } from './headline.js'
import type { CommentInput } from './input.js'
import { commentMarker, planMarkerLine, runLine } from '../../model/markdown/comment-markers.js'
import { planRecord } from '../../model/plan-record.js'

export { upsertDeployedSection } from './deployed.js'

const COMMENT_BUDGET = 60_000

const SUMMARY_POINTER = '> [!NOTE]\n> The full plan is in the job summary of this run.'
const DIFF_DROPPED = 'Diff omitted: see the job summary.'

/**
 * The sticky PR comment (docs/comment.md). Deterministic: only `runUrl` varies between runs of the same
 * plan, and it is confined to the last line. Stays within `budget` by dropping detail: diff bodies
 * largest first, then whole blocks for one-line summaries, then per-namespace counts.
 */
export function renderComment(input: CommentInput): string {
  const budget = (input.budget ?? COMMENT_BUDGET) - runLine(input.runUrl).length - 2
  const plan = input.plan
  const deletions = deletionLine(plan)
  const head = [
    `${commentMarker(input.commentKey)}\n${title(input)}`,
    verdictAndTarget(input, { layoutReason: false }),
    ...(deletions ? [deletions] : []),
    ...noteLines(input.notes)
  ]
  const findings = findingsSection(
    input.findings,
    Math.floor(budget * (plan ? 0.4 : 0.9)),
    utf16Length,
    'see the job summary',
    sourceLink(input)
  )
  if (findings) head.push(findings)
  const upgrade = upgradeSection(input.upgrade)
  if (upgrade) head.push(upgrade)
  const fit = (pieces: Piece[]) => fitPieces(pieces, budget, utf16Length)

  // Even the shortest comment names the deletions (docs/comment.md#deletions).
  const minimal = [head[0]!, ...(deletions ? [deletions] : []), SUMMARY_POINTER]
  let body: string
  if (!plan) {
    body = fit(head)?.text ?? minimal.join('\n\n')
  } else {
    // A comment that has to drop detail records the settings but not the changes.
    const {
      changes: _changes,
      omitted: _omitted,
      ...brief
    } = planRecord(plan, input.commit, input.settings)
    const footerOf = (detail: Detail | 'minimal') => [
      `Plan fingerprint: \`${plan.fingerprint}\``,
      planMarkerLine(
        plan.fingerprint,
        input.commit,
        detail === 'diffs' ? planRecord(plan, input.commit, input.settings) : brief
      )
    ]
    const invalid = invalidCounts(input.findings)
    const attempt = (detail: Detail, pointer: boolean) =>
      fit([
        ...head,
        ...(pointer ? [SUMMARY_POINTER] : []),
        ...changePieces(plan, {
          detail,
          invalid,
          omittedNote: DIFF_DROPPED,
          listUnchanged: false,
          countsOmittedNote: 'Too many namespaces changed to list here: see the job summary.',
          kestraUi: input.kestraUi,
          kinds: input.kinds
        }),
        ...driftPieces(plan, detail),
        ...footerOf(detail)
      ])
    const whole = attempt('diffs', false)
    body =
      (whole?.reduced === 0 ? whole.text : undefined) ??
      attempt('diffs', true)?.text ??
      attempt('lines', true)?.text ??
      attempt('counts', true)?.text ??
      [...minimal, ...footerOf('minimal')].join('\n\n')
  }
  const last = runLine(input.runUrl)
  return last ? `${body}\n\n${last}` : body
}
