import type { Span } from './spelling.js'

/**
 * Every text a reader can decode from bytes written as they are: UTF-8, and UTF-16 LE and BE from either byte
 * (docs/security.md): a file may lack a BOM, a UTF-16 run start at odd offsets.
 */
export function decodedTexts(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const texts = [buffer.toString('utf8')]
  for (const offset of [0, 1]) {
    const even = buffer.subarray(offset, offset + ((buffer.length - offset) & ~1))
    if (even.length > 0)
      texts.push(even.toString('utf16le'), Buffer.from(even).swap16().toString('utf16le'))
  }
  return texts
}

/** The UTF-16 bytes, little- and big-endian, of each text: what a credential that was UTF-16 leaves in bytes. */
export function utf16Patterns(texts: readonly string[]): Buffer[] {
  return texts.flatMap((text) => {
    const le = Buffer.from(text, 'utf16le')
    return [le, Buffer.from(le).swap16()]
  })
}

/**
 * The spans of `text` whose UTF-8 bytes hold one of `patterns`: UTF-16 bytes that reached the run as UTF-8 text
 * still spell a credential to a reader who decodes them again. A native search over the bytes keeps it cheap.
 */
export function utf16Spans(text: string, patterns: readonly Buffer[]): Span[] {
  if (patterns.length === 0) return []
  const bytes = Buffer.from(text, 'utf8')
  const found: Span[] = []
  for (const pattern of patterns) {
    for (let at = bytes.indexOf(pattern); at >= 0; at = bytes.indexOf(pattern, at + 1)) {
      found.push([at, at + pattern.length])
    }
  }
  if (found.length === 0) return []
  // The text position of the character each byte belongs to, and where that character ends.
  const unitOf = new Uint32Array(bytes.length)
  let at = 0
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i)!
    const length = code < 0x80 ? 1 : code < 0x800 ? 2 : code > 0xffff ? 4 : 3
    unitOf.fill(i, at, at + length)
    at += length
    i += code > 0xffff ? 2 : 1
  }
  const endOf = (unit: number) => unit + (text.codePointAt(unit)! > 0xffff ? 2 : 1)
  return found.map(([start, end]) => [unitOf[start]!, endOf(unitOf[end - 1]!)])
}

/** Shorter runs of base64 digits would turn up in ordinary text by chance. */
const MIN_DIGITS = 4

/**
 * The base64 digits spelling `text` inside a longer run, standard and URL-safe, for each of the three alignments.
 */
export function base64Inside(text: string): string[] {
  const bytes = Buffer.from(text)
  const spellings = new Set<string>()
  for (let offset = 0; offset < 3; offset++) {
    const digits = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]).toString('base64')
    const first = Math.ceil((8 * offset) / 6)
    const last = Math.floor((8 * (offset + bytes.length)) / 6)
    const inner = digits.slice(first, last)
    if (inner.length < MIN_DIGITS) continue
    spellings.add(inner)
    spellings.add(toUrlSafe(inner))
  }
  return [...spellings]
}

/** The whole base64 value of `text` (as an Authorization header has it), standard and URL-safe, padded or not. */
export function base64Whole(text: string): string[] {
  const padded = Buffer.from(text).toString('base64')
  const bare = padded.replace(/=+$/, '')
  return [...new Set([padded, bare, toUrlSafe(padded), toUrlSafe(bare)])].filter(
    (digits) => digits.length >= MIN_DIGITS
  )
}

function toUrlSafe(digits: string): string {
  return digits.replace(/\+/g, '-').replace(/\//g, '_')
}
