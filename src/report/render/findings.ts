import { compareFindings, SEVERITY_ORDER, type Finding } from '../../model/finding.js'
import { escapeText, escapeTextWithCode } from '../../model/markdown/escape.js'
import type { ReportInput } from './input.js'
import { findingCounts, outsideChange } from '../../engine/validate/verdict.js'

const SEVERITY_LABEL: Record<Finding['severity'], string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice'
}

/** Where findings link to their line: the repository at the commit, when both are known. */
type SourceLink = Pick<ReportInput, 'repositoryUrl' | 'commit'>

/**
 * The findings as a table, cut to `maxSize` (as measured): the rows that fit, then where the rest are. On a pull
 * request (`changed`, its files), those about files it did not change are folded under one line below its own.
 */
export function findingsSection(
  findings: readonly Finding[],
  maxSize: number,
  measure: (text: string) => number,
  omittedWhere: string,
  source?: SourceLink,
  changed?: ReadonlySet<string>
): string | undefined {
  if (findings.length === 0) return undefined
  const heading = '#### Validation findings'
  const tableHead = '| Severity | Location | Message |\n| --- | --- | --- |'
  const sorted = [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b)
  )
  const folded = changed ? sorted.filter((f) => outsideChange(f, changed)) : []
  const own = sorted.filter((f) => !folded.includes(f))
  const fold = folded.length > 0 ? foldLines(folded) : undefined
  const ordered = [...own, ...folded]
  const rows: string[] = []
  let size =
    measure(heading) +
    (own.length > 0 ? measure(tableHead) : 0) +
    (fold ? measure(fold.open + tableHead + fold.close) : 0)
  const reserve = measure(omittedNote(sorted.length, omittedWhere)) + 2
  for (const [i, f] of ordered.entries()) {
    const row = `\n| ${SEVERITY_LABEL[f.severity]} | ${location(f, source)} | ${escapeTextWithCode(f.message)} |`
    if (size + measure(row) + (i === ordered.length - 1 ? 0 : reserve) > maxSize) break
    rows.push(row)
    size += measure(row)
  }
  const ownRows = rows.slice(0, own.length)
  const foldedRows = rows.slice(own.length)
  const parts = [heading]
  if (ownRows.length > 0) parts.push(tableHead + ownRows.join(''))
  if (fold && foldedRows.length > 0)
    parts.push(fold.open + tableHead + foldedRows.join('') + fold.close)
  const omitted = sorted.length - rows.length
  if (omitted > 0) parts.push(omittedNote(omitted, omittedWhere))
  return parts.join('\n\n')
}

/** One line that says how many findings are folded, and of what severity; the table goes between. */
function foldLines(folded: readonly Finding[]): { open: string; close: string } {
  const counts = findingCounts(folded)
  const said = (['error', 'warning', 'notice'] as const)
    .filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${severity}${counts[severity] === 1 ? '' : 's'}`)
  const list = said.length > 1 ? `${said.slice(0, -1).join(', ')} and ${said.at(-1)}` : said[0]
  return {
    open: `<details><summary>${list} in files this pull request did not change</summary>\n\n`,
    close: '\n\n</details>'
  }
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
