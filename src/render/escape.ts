const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;'
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
