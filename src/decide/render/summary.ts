import { upgradeSection } from './upgrade.js'
import type { Plan, PlanCounts } from '../../model/plan.js'
import type { DecideKind } from '../kind.js'
import { countPlan } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'
import { changePieces, driftPieces, type Detail } from './changes.js'
import { invalidCounts } from './resource.js'
import { utf8Length } from '../../model/content.js'
import { fitPieces, type Piece } from './fit.js'
import { findingsSection, sourceLink } from './findings.js'
import { deletionLine, noteLines, title, verdictAndTarget } from './headline.js'
import type { SummaryInput } from './input.js'

/** GitHub rejects job summaries over 1 MiB. */
const SUMMARY_BUDGET_BYTES = 1_048_576

const TRIMMED_NOTE =
  '> [!NOTE]\n> Some detail was left out to keep this summary within GitHub’s 1 MiB limit.'

/**
 * The job summary: verdict, counts, every finding and every resource with its full diff; past the
 * byte budget, diffs are dropped largest first, then blocks become lines, then counts.
 */
export function renderSummary(input: SummaryInput): string {
  const budget = input.budgetBytes ?? SUMMARY_BUDGET_BYTES
  const plan = input.plan
  const deletions = deletionLine(plan)
  const head: Piece[] = [
    title(input),
    verdictAndTarget(input),
    ...(deletions ? [deletions] : []),
    ...noteLines(input.notes)
  ]
  if (plan) head.push(countsTable(plan, input.kinds))
  const findings = findingsSection(
    input.findings,
    Math.floor(budget * (plan ? 0.5 : 0.95)),
    utf8Length,
    'the summary is limited to 1 MiB; the plan file lists them all',
    sourceLink(input)
  )
  if (findings) head.push(findings)
  const upgrade = upgradeSection(input.upgrade)
  if (upgrade) head.push(upgrade)
  const fit = (pieces: Piece[]) => fitPieces(pieces, budget, utf8Length)
  if (!plan) return fit(head)?.text ?? `${title(input)}\n\n${TRIMMED_NOTE}`

  const footer = `Plan fingerprint: \`${plan.fingerprint}\``
  const invalid = invalidCounts(input.findings)
  const attempt = (detail: Detail, note: boolean) =>
    fit([
      ...head,
      ...(note ? [TRIMMED_NOTE] : []),
      ...changePieces(plan, {
        detail,
        invalid,
        omittedNote: 'Diff omitted to keep the job summary within its size limit.',
        listUnchanged: true,
        countsOmittedNote: 'Too many namespaces changed to list here.',
        kestraUi: input.kestraUi,
        kinds: input.kinds
      }),
      ...driftPieces(plan, detail),
      footer
    ])
  const whole = attempt('diffs', false)
  return (
    (whole?.reduced === 0 ? whole.text : undefined) ??
    attempt('diffs', true)?.text ??
    attempt('lines', true)?.text ??
    attempt('counts', true)?.text ??
    [title(input), TRIMMED_NOTE, footer].join('\n\n')
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
