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
