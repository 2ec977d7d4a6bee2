import type { Plan, ResourceChange } from '../../model/plan.js'
import type { Mode } from '../../model/settings.js'
import type { Finding } from '../../model/finding.js'
import type { DecideKind } from '../../engine/decide-kind.js'
import type { UpgradeReport } from '../../model/upgrade.js'
import type { SuggestionsReport } from '../../model/suggestion.js'
import type { DriftBase } from '../../model/drift.js'

export interface ReportInput {
  mode: Mode
  server?: string
  tenant: string
  commit: string
  findings: readonly Finding[]
  plan?: Plan
  failOn?: 'error' | 'warning'
  /** The repository layout the run read, and why (docs/layouts.md#auto). */
  layout?: { layout: string; reason: string }
  /** Plain-text remarks shown under the headline (escaped), e.g. why only local validation ran. */
  notes?: readonly string[]
  /** What the plan's drift was measured against (its notes say it in words). */
  driftBase?: DriftBase
  /** The `comment-key` input: named in the headline unless it is `default`. */
  commentKey?: string
  /** `https://github.com/<owner>/<repo>`: findings link to their line at `commit` there. */
  repositoryUrl?: string
  /** The settings the plan records in its marker (`Settings.recorded`: no credential). */
  settings?: Readonly<Record<string, string>>
  /** The Kestra UI's base, `<server>/ui/<tenant>` (or `<server>/ui` on 0.x): resources link to their pages. */
  kestraUi?: string
  kinds: readonly DecideKind[]
  /** On a pull request, the files it changed: findings about the others are folded (docs/comment.md#what-reviewers-see). */
  changedFiles?: ReadonlySet<string>
  /** Upgrade readiness (docs/upgrade.md): the folded section, when `upgrade-check` asks for it. */
  upgrade?: UpgradeReport
  /** Mechanical fixes on a pull request's lines (docs/suggested-changes.md): how many, and those past the bound. */
  suggestions?: SuggestionsReport
}

export interface CommentInput extends ReportInput {
  commentKey: string
  /** Link to this workflow run; the only run-specific text, always on the comment's last line. */
  runUrl?: string
  /** In UTF-16 code units. Default 60,000. */
  budget?: number
}

export interface SummaryInput extends ReportInput {
  /** In UTF-8 bytes. Default 1,048,576. */
  budgetBytes?: number
}

/**
 * The report as the renderers read it: an unchanged resource is shown by its kind and name alone, so its
 * other fields, thousands of texts that no output shows, are not in what the output edge reads.
 */
export function renderedReport<T extends ReportInput>(report: T): T {
  if (!report.plan) return report
  const resources = report.plan.resources.map((change): ResourceChange => {
    if (change.action !== 'unchanged') return change
    // What each kind compares (contents, sources, values) and where it comes from.
    const { digest: _digest, file: _file, desired: _desired, current: _current, ...named } = change
    return named
  })
  return { ...report, plan: { ...report.plan, resources } }
}
