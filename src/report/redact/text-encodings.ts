/**
 * Every text a reader can decode from bytes (docs/security.md): UTF-8 (its BOM a character the redactor
 * skips), and UTF-16 little- and big-endian, with or without a BOM, from either byte: a file may be UTF-16
 * without saying so, and a UTF-16 run inside other bytes may start at an odd offset.
 */
export function decodedTexts(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const texts = [buffer.toString('utf8')]
  for (const offset of [0, 1]) {
    const even = buffer.subarray(offset, offset + ((buffer.length - offset) & ~1))
    if (even.length === 0) continue
    texts.push(even.toString('utf16le'), Buffer.from(even).swap16().toString('utf16le'))
  }
  return texts
}
