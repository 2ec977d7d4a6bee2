import type { Span } from './spelling.js'

/** Text read from bytes as UTF-16, and where each of its spans lies in the bytes. */
export interface Utf16View {
  text: string
  /** The bytes `[start, end)` that spell the view's span. */
  bytesOf(span: Span): Span
}

/**
 * Bytes read as UTF-16 little- and big-endian, from either byte (docs/security.md): a file may be UTF-16
 * without a BOM (a BOM reads as a character the redactor skips), and a UTF-16 run inside other bytes, or text
 * that was UTF-16 once and was then read as single bytes, may start at an odd offset.
 */
export function utf16Views(bytes: Uint8Array): Utf16View[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const views: Utf16View[] = []
  for (const offset of [0, 1]) {
    const even = buffer.subarray(offset, offset + ((buffer.length - offset) & ~1))
    if (even.length === 0) continue
    const bytesOf = ([start, end]: Span): Span => [offset + 2 * start, offset + 2 * end]
    views.push(
      { text: even.toString('utf16le'), bytesOf },
      { text: Buffer.from(even).swap16().toString('utf16le'), bytesOf }
    )
  }
  return views
}

/** Every text a reader can decode from bytes: UTF-8 (a BOM is a character the redactor skips), and UTF-16. */
export function decodedTexts(bytes: Uint8Array): string[] {
  const utf8 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  return [utf8, ...utf16Views(bytes).map((view) => view.text)]
}

/**
 * A text's UTF-8 bytes read as UTF-16, each view's spans mapped back to the text's own positions: UTF-16
 * bytes that reached the run as UTF-8 text (NULs between ASCII letters) still spell a credential to a reader
 * who decodes them again.
 */
export function textAsUtf16(text: string): { text: string; spanOf(span: Span): Span }[] {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length < 2) return []
  // The text position of each byte's character.
  const unitOf = new Uint32Array(bytes.length)
  let at = 0
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i)!
    const units = code > 0xffff ? 2 : 1
    const length = code < 0x80 ? 1 : code < 0x800 ? 2 : code > 0xffff ? 4 : 3
    unitOf.fill(i, at, at + length)
    at += length
    i += units
  }
  const endOf = (byte: number) => {
    const unit = unitOf[byte]!
    return unit + (text.codePointAt(unit)! > 0xffff ? 2 : 1)
  }
  return utf16Views(bytes).map((view) => ({
    text: view.text,
    spanOf: (span) => {
      const [start, end] = view.bytesOf(span)
      return [unitOf[start]!, endOf(end - 1)]
    }
  }))
}
