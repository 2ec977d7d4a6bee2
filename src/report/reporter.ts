import type { ACTION_OUTPUTS } from '../model/inputs/action-yml.js'
import type { Finding } from '../model/finding.js'
import type { PlanCounts } from '../model/plan.js'

/** The outputs action.yml declares: the only names a run may set. */
export type OutputName = (typeof ACTION_OUTPUTS)[number]

/** Where a run's results go: the GitHub runner (annotations, outputs, job summary) or a terminal. */
export interface Reporter {
  info(message: string): void
  /** A warning that is not about a file (e.g. the comment could not be written). */
  warning(message: string): void
  /** A notice that is not about a file (e.g. why a fork gets no preview). */
  notice(message: string): void
  /** Opens a collapsible group for a phase (docs/modes.md#the-log); a new one closes the one open. */
  group(title: string): void
  /** Closes the open group; `summary` is the phase's one line, logged outside it. */
  endGroup(summary?: string): void
  /** What is under way, for a terminal's progress line; '' when nothing is. The runner's log shows none. */
  progress(text: string): void
  annotate(findings: Finding[]): void
  setOutput(name: OutputName, value: string | number | boolean): void
  writeSummary(markdown: string): Promise<void>
}

export function setCountOutputs(reporter: Reporter, counts: PlanCounts): void {
  reporter.setOutput('created', counts.create)
  reporter.setOutput('updated', counts.update)
  reporter.setOutput('deleted', counts.delete)
  reporter.setOutput('unchanged', counts.unchanged)
  reporter.setOutput('orphaned', counts.orphaned)
  reporter.setOutput('drifted', counts.drifted)
}
