/** CRLF and lone CR become LF; a leading BOM is removed. */
export function normaliseLineEndings(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  return withoutBom.replace(/\r\n?/g, '\n')
}

/**
 * The text Kestra compares when deciding whether a flow changed: line endings normalised and the
 * first `revision: N` line removed (the server owns it), as its `isSameWithSource` does.
 */
export function comparableFlowSource(source: string): string {
  return normaliseLineEndings(source).replace(/^revision: \d+\n?/m, '')
}
