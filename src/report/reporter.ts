import type { Finding } from '../validate/finding.js'

export type OutputName =
  | 'mode'
  | 'has-changes'
  | 'created'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  | 'orphaned'
  | 'drifted'
  | 'errors'
  | 'warnings'
  | 'plan-file'
  | 'plan-fingerprint'
  | 'comment-url'
  | 'deployed'
  | 'smoke'
  | 'rolled-back'

/** Where a run's results go: the GitHub runner (annotations, outputs, job summary) or a terminal. */
export interface Reporter {
  info(message: string): void
  /** A warning that is not about a file (e.g. the comment could not be written). */
  warning(message: string): void
  /** File annotations; the reporter decides how many to show. */
  annotate(findings: Finding[]): void
  setOutput(name: OutputName, value: string | number | boolean): void
  writeSummary(markdown: string): Promise<void>
  /** Runs `work` with its log lines folded under `title` (`::group::` on the runner). */
  group<T>(title: string, work: () => Promise<T>): Promise<T>
}
