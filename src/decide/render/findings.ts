import { compareFindings, SEVERITY_ORDER, type Finding } from '../../model/finding.js'
import { escapeText, escapeTextWithCode } from '../../model/markdown/escape.js'
import type { ReportInput } from './input.js'

const SEVERITY_LABEL: Record<Finding['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice'
}

/** Where findings link to their line: the repository at the commit, when both are known. */
type SourceLink = Pick<ReportInput, 'repositoryUrl' | 'commit'>

/** The findings as a table, cut to `maxSize` (as measured): the rows that fit, then where the rest are. */
export function findingsSection(
  findings: readonly Finding[],
  maxSize: number,
  measure: (text: string) => number,
  omittedWhere: string,
  source?: SourceLink
): string | undefined {
  if (findings.length === 0) return undefined
  const head = '#### Validation findings\n\n| Severity | Location | Message |\n| --- | --- | --- |'
  const sorted = [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b)
  )
  const rows: string[] = []
  let size = measure(head)
  const reserve = measure(omittedNote(sorted.length, omittedWhere)) + 2
  for (const [i, f] of sorted.entries()) {
    const row = `\n| ${SEVERITY_LABEL[f.severity]} | ${location(f, source)} | ${escapeTextWithCode(f.message)} |`
    if (size + measure(row) + (i === sorted.length - 1 ? 0 : reserve) > maxSize) break
    rows.push(row)
    size += measure(row)
  }
  const omitted = sorted.length - rows.length
  return head + rows.join('') + (omitted > 0 ? `\n\n${omittedNote(omitted, omittedWhere)}` : '')
}

export function repositoryUrl(serverUrl: string, owner: string, repo: string): string | undefined {
  if (!/^https?:\/\/[A-Za-z0-9.:-]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(serverUrl)) return undefined
  if (!owner || !repo) return undefined
  return `${serverUrl.replace(/\/$/, '')}/${urlPart(owner)}/${urlPart(repo)}`
}

function location(f: Finding, source: SourceLink | undefined): string {
  // A finding about a flow that only the server holds has no file to point at.
  if (f.file === '') return 'Kestra (server only)'
  const text = escapeText(`${f.file}:${f.line}`)
  if (!source?.repositoryUrl || !source.commit) return text
  return `[${text}](${source.repositoryUrl}/blob/${urlPart(source.commit)}/${f.file.split('/').map(urlPart).join('/')}#L${f.line})`
}

/** A URL path segment that cannot end a Markdown link or a table cell. */
function urlPart(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function omittedNote(count: number, where: string): string {
  return `${count} more finding${count === 1 ? '' : 's'} not shown: ${where}.`
}
