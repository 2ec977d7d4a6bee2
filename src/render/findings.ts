import { compareFindings, SEVERITY_ORDER, type Finding } from '../validate/finding.js'
import { escapeText } from './escape.js'

const SEVERITY_LABEL: Record<Finding['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice'
}

/** Most severe first, then by file and line. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b)
  )
}

/**
 * The findings as a table, cut to `maxSize` (as measured) when too long: the rows that fit,
 * then how many were left out and where they are.
 */
export function findingsSection(
  findings: readonly Finding[],
  maxSize: number,
  measure: (text: string) => number,
  omittedWhere: string
): string | undefined {
  if (findings.length === 0) return undefined
  const head = '#### Validation findings\n\n| Severity | Location | Message |\n| --- | --- | --- |'
  const sorted = sortFindings(findings)
  const rows: string[] = []
  let size = measure(head)
  const reserve = measure(omittedNote(sorted.length, omittedWhere)) + 2
  for (const [i, f] of sorted.entries()) {
    const row = `\n| ${SEVERITY_LABEL[f.severity]} | ${escapeText(`${f.file}:${f.line}`)} | ${escapeText(f.message)} |`
    const isLast = i === sorted.length - 1
    if (size + measure(row) + (isLast ? 0 : reserve) > maxSize) break
    rows.push(row)
    size += measure(row)
  }
  const omitted = sorted.length - rows.length
  return head + rows.join('') + (omitted > 0 ? `\n\n${omittedNote(omitted, omittedWhere)}` : '')
}

function omittedNote(count: number, where: string): string {
  return `${count} more finding${count === 1 ? '' : 's'} not shown: ${where}.`
}
