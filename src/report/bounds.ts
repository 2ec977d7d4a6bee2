/** Untrusted text is bounded (docs/security.md): a log line of it at 4 KiB, a message (a finding's…) at 2 KiB. */
export const LOG_LINE_BYTES = 4096
export const MESSAGE_BYTES = 2048

/**
 * `text` cut to at most `bytes` UTF-8 bytes, at a character boundary, with a note saying how much it held.
 * Cut after redaction, so that no cut leaves part of a credential.
 */
export function bounded(text: string, bytes: number): string {
  if (text.length * 3 <= bytes) return text
  const total = Buffer.byteLength(text)
  if (total <= bytes) return text
  let kept = 0
  let end = 0
  for (const character of text) {
    const size = Buffer.byteLength(character)
    if (kept + size > bytes) break
    kept += size
    end += character.length
  }
  return `${text.slice(0, end)} … [cut at ${bytes / 1024} KiB of ${total.toLocaleString('en-US')} bytes]`
}
