import type { Finding, Severity } from '../model/finding.js'

/** GitHub shows at most 10 annotations per type and step; the job summary holds all of them. */
const ANNOTATIONS_PER_SEVERITY = 10

export function selectAnnotations(findings: Finding[]): Finding[] {
  const shown: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  return findings.filter((f) => shown[f.severity]++ < ANNOTATIONS_PER_SEVERITY)
}

export function annotationProperties(finding: Finding): {
  title: string
  file: string
  startLine: number
  startColumn?: number
  endLine?: number
  endColumn?: number
} {
  const sameLine = finding.endLine === undefined || finding.endLine === finding.line
  return {
    title: `kestra-gitops: ${finding.rule}`,
    file: finding.file,
    startLine: finding.line,
    endLine: finding.endLine,
    ...(sameLine && finding.column !== undefined
      ? { startColumn: finding.column, endColumn: finding.endColumn }
      : {})
  }
}
