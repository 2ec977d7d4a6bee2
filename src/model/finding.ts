import { compareCodeUnits } from './content.js'

export type Severity = 'error' | 'warning' | 'notice'

export interface Finding {
  severity: Severity
  /** Workspace-relative, '/'-separated (what GitHub annotations use). */
  file: string
  /** 1-based; 1 when the problem concerns the whole file. */
  line: number
  column?: number
  endLine?: number
  endColumn?: number
  /** Short stable rule id, e.g. `yaml-syntax`, `duplicate-task-id`. */
  rule: string
  message: string
  /** Resource the finding concerns, when known: `flow:<ns>/<id>` or `file:<ns>:<path>`. */
  resource?: string
  /**
   * The mechanical fix, when there is one (docs/suggested-changes.md): `text`, which starts at the finding's line
   * and column, is replaced by `with`.
   */
  fix?: FindingFix
  /**
   * Other files the finding is about (workspace-relative): on a pull request it stays an error when one of
   * them changed, as when its own file did.
   */
  related?: string[]
  /**
   * On a pull request: an error of a file the change did not touch, reported as a warning; a deploy counts it as the
   * error it is (docs/validation.md#pull-requests).
   */
  demoted?: true
}

export interface FindingFix {
  text: string
  with: string
}

/** The rules of the findings that carry a server's verdict (docs/validation.md#server-validation). */
const SERVER_VERDICT = /^server-(constraint|deprecation|warning|outdated|info)$/

export function fromServer(finding: Finding): boolean {
  return SERVER_VERDICT.test(finding.rule)
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

/** Deterministic order: file, line, column, severity, rule, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareCodeUnits(a.file, b.file) ||
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareCodeUnits(a.rule, b.rule) ||
    compareCodeUnits(a.message, b.message)
  )
}

/** Read-only cannot label the flow (docs/environments.md#read-only-flows): an error even in an unchanged file. */
export const READ_ONLY_REFUSED = 'read-only-label'
