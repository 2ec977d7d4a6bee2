import { isUtf8 } from 'node:buffer'

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : 4
    if (b >= 0xf5 || (b >= 0x80 && b < 0xc2)) return i
    if (i + length > bytes.length) return i
    const second = bytes[i + 1]!
    // The narrower second-byte ranges exclude overlong forms, surrogates and code points above U+10FFFF.
    if (length >= 2) {
      const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80
      const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf
      if (second < low || second > high) return i
    }
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k]!
      if (c < 0x80 || c > 0xbf) return i
    }
    i += length
  }
  return -1
}

/** 1-based line of a byte offset. */
export function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
  return line
}
