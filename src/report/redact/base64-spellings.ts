/** Shorter runs of base64 digits would turn up in ordinary text by chance. */
const MIN_DIGITS = 4

/**
 * The base64 digits that spell `text` wherever it sits in a longer base64 run, standard and URL-safe: for
 * each of the three alignments (its first byte at offset 0, 1 or 2 of a 3-byte group), the digits that
 * depend on its bytes alone.
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

/** The whole base64 value of `text` (as an Authorization header carries it), standard and URL-safe, padded or not. */
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
