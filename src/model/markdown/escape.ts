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
 * User-derived text (names, paths, messages) for use outside code fences, in Markdown as well as
 * in HTML blocks such as `<summary>`: HTML-escaped, Markdown punctuation written as numeric
 * character references (inert in both contexts, `|` included for tables), @mentions defused with
 * a zero-width space, and line breaks folded so the text stays on its line.
 */
export function escapeText(text: string): string {
  return escapeHtml(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[`*_[\]|\\~]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/@/g, '@&#8203;')
}

/**
 * Like `escapeText`, but a span between a pair of backticks becomes inline code (`<code>`, its content
 * escaped alike, so it still cannot open a link, a table cell or a mention). A lone backtick stays text.
 */
export function escapeTextWithCode(text: string): string {
  const parts = text.split('`')
  if (parts.length % 2 === 0) {
    const last = parts.pop()!
    parts.push(`${parts.pop()!}\`${last}`)
  }
  return parts
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeText(part)}</code>` : escapeText(part)))
    .join('')
}
