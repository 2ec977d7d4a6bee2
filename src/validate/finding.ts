export type Severity = 'error' | 'warning' | 'notice'

/** A validation result pointing at a file and line. Messages say how to fix the problem. */
export interface Finding {
  severity: Severity
  /** Path relative to the workspace, '/'-separated (what GitHub annotations use). */
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
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

/** Deterministic order: file, line, column, severity, rule, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  )
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
