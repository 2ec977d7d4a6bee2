import { short } from '../commit-marker.js'

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;'
}

/** A URL for a Markdown link target: the characters that could end or break the link percent-encoded. */
export function linkTarget(url: string): string {
  return url.replace(
    /[\s()<>[\]"`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]!)
}

/**
 * User-derived text for Markdown and HTML blocks (`<summary>`) outside code fences: HTML-escaped, Markdown
 * punctuation as numeric references (`|` included), @mentions defused, line breaks folded onto its line.
 */
export function escapeText(text: string): string {
  // One pass over the text: a plan's summary escapes thousands of names.
  return text.replace(TEXT_SPECIALS, (match) => {
    if (match.length > 1 || match === '\n' || match === '\r') return ' '
    if (match === '@') return '@&#8203;'
    return HTML_ENTITIES[match] ?? `&#${match.charCodeAt(0)};`
  })
}

/** What `escapeText` rewrites: line breaks with the white space around them, HTML, Markdown and `@`. */
const TEXT_SPECIALS = /\s*[\r\n]+\s*|[&<>"`*_[\]|\\~@]/g

/** Like `escapeText`, but a span between backticks becomes `<code>` (escaped alike); a lone one stays text. */
export function escapeTextWithCode(text: string): string {
  const parts = text.split('`')
  // A lone backtick: the parts around it joined back.
  if (parts.length % 2 === 0) parts.splice(-2, 2, parts.slice(-2).join('`'))
  return parts
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeText(part)}</code>` : escapeText(part)))
    .join('')
}

/** A commit as every report spells it: the short sha in code, linked on GitHub when the repository is known. */
export function commitText(sha: string, repositoryUrl?: string): string {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return escapeText(short(sha)) || 'unknown'
  const text = `\`${short(sha)}\``
  return repositoryUrl ? `[${text}](${linkTarget(`${repositoryUrl}/commit/${sha}`)})` : text
}

/** `2026-11-23 17:47 UTC` for an ISO 8601 instant; undefined for a date Kestra did not give. */
export function shownDate(iso: string | undefined): string | undefined {
  const time = iso ? Date.parse(iso) : NaN
  return Number.isNaN(time)
    ? undefined
    : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export interface Column<Row> {
  title: string
  cell(row: Row): string
}

/** A column empty in every row is left out, so optional facts cost nothing when absent. */
export function markdownTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = columns.map((column) => rows.map((row) => column.cell(row)))
  const shown = columns.flatMap((column, i) =>
    cells[i]!.some((cell) => cell !== '') ? [{ title: column.title, cells: cells[i]! }] : []
  )
  const line = (values: string[]) => `| ${values.join(' | ')} |`
  return [
    line(shown.map((c) => c.title)),
    line(shown.map(() => '---')),
    ...rows.map((_, r) => line(shown.map((c) => c.cells[r]!)))
  ].join('\n')
}
