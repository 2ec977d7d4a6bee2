import { characterEntities } from 'character-entities'

interface Reading {
  code: number
  end: number
}

const BACKSLASH = 0x5c
const AMPERSAND = 0x26
const PERCENT = 0x25
const PLUS = 0x2b
const SEMICOLON = 0x3b

const QUOTE = 0x27
const SPACE = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d

/** The one-letter escapes of JSON, C and YAML's double-quoted scalars (`\N` NEL, `\L`, `\P`, `\e`…). */
const SHORT_ESCAPES: Record<string, number> = {
  n: 10,
  r: 13,
  t: 9,
  b: 8,
  f: 12,
  v: 11,
  '0': 0,
  a: 7,
  e: 0x1b,
  N: 0x85,
  L: 0x2028,
  P: 0x2029,
  ' ': SPACE,
  '\t': TAB
}

/**
 * Every way a reader can read one character at `at` (docs/security.md): as it is; `+` as a space (form
 * encoding); a JSON, JavaScript, C or YAML escape (`\uXXXX` of any character, surrogate pairs joined,
 * `\u{…}`, `\UXXXXXXXX`, `\xXX`, `\n`, `\N`, `\_`…); a backslash before a line break (YAML's escaped line
 * break, a line continuation) as a line break the reader skips; YAML's line folding (white space around one
 * line break) as a space, and `''` (a single-quoted scalar's quote) as `'`; a Markdown backslash escape; an
 * HTML character reference (named, with or without the semicolon where HTML allows it, decimal, hex);
 * percent-encoded UTF-8 in either hex case. The escape's own introducer (`\`, `&`, `%`) may itself be written
 * in one of these forms (`\u0026amp;`, `%255C`, `&#92;n`): two layers, as text escaped by a server and again
 * by a channel reads.
 */
export function readCharacter(text: string, at: number, layers = 2): Reading[] {
  const unit = text.charCodeAt(at)
  if (Number.isNaN(unit)) return []
  const code = text.codePointAt(at)!
  const readings: Reading[] = []
  if (unit === PLUS) readings.push({ code: SPACE, end: at + 1 })
  if (unit === QUOTE && text.charCodeAt(at + 1) === QUOTE)
    readings.push({ code: QUOTE, end: at + 2 })
  if (unit === SPACE || unit === TAB || unit === LF || unit === CR) {
    const folded = foldAt(text, at)
    if (folded !== undefined) readings.push({ code: SPACE, end: folded })
  }
  for (const introducer of introducersAt(text, at, unit, layers)) {
    const read =
      introducer.code === BACKSLASH
        ? backslashEscape(text, introducer.end, layers)
        : introducer.code === AMPERSAND
          ? characterReference(text, introducer.end)
          : percentEscape(text, introducer.end, layers)
    if (read) readings.push(read)
    // `\_` is YAML's no-break space as well as Markdown's escaped underscore.
    if (introducer.code === BACKSLASH && text[introducer.end] === '_') {
      readings.push({ code: 0xa0, end: introducer.end + 1 })
    }
  }
  readings.push({ code, end: at + (code > 0xffff ? 2 : 1) })
  return readings
}

/** Where an escape starts: a `\`, `&` or `%` written as such or, one layer down, escaped itself. */
function introducersAt(text: string, at: number, unit: number, layers: number): Reading[] {
  if (!isIntroducer(unit)) return []
  const found: Reading[] = [{ code: unit, end: at + 1 }]
  if (layers > 1) {
    for (const escaped of readCharacter(text, at, layers - 1)) {
      if (isIntroducer(escaped.code) && escaped.end > at + 1) found.push(escaped)
    }
  }
  return found
}

function isIntroducer(unit: number): boolean {
  return unit === BACKSLASH || unit === AMPERSAND || unit === PERCENT
}

/**
 * Where YAML's folding of one line break into a space ends: white space, one line break, white space (the
 * next line's indentation). Undefined when no line break follows the white space at `at`.
 */
function foldAt(text: string, at: number): number | undefined {
  let end = at
  while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB) end++
  const afterBreak = lineBreakEnd(text, end)
  if (afterBreak === undefined) return undefined
  end = afterBreak
  while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB) end++
  return end
}

/** The end of a line break (`\r\n`, `\r` or `\n`) at `at`, or undefined. */
function lineBreakEnd(text: string, at: number): number | undefined {
  const unit = text.charCodeAt(at)
  if (unit === CR) return text.charCodeAt(at + 1) === LF ? at + 2 : at + 1
  return unit === LF ? at + 1 : undefined
}

function backslashEscape(text: string, at: number, layers: number): Reading | undefined {
  const letter = text[at]
  if (letter === undefined) return undefined
  const continued = lineBreakEnd(text, at)
  if (continued !== undefined) return { code: LF, end: continued }
  if (letter === 'u' || letter === 'U') {
    if (text[at + 1] === '{') {
      const close = text.indexOf('}', at + 2)
      if (close < at + 3 || close > at + 8) return undefined
      return codeOf(hexDigits(text, at + 2, close - at - 2), close + 1)
    }
    const long = letter === 'U' ? hexDigits(text, at + 1, 8) : undefined
    if (long !== undefined) return codeOf(long, at + 9)
    const high = hexDigits(text, at + 1, 4)
    if (high === undefined) return undefined
    if (high >= 0xd800 && high <= 0xdbff) {
      const low = lowSurrogateAfter(text, at + 5, layers)
      if (low)
        return { code: 0x10000 + ((high - 0xd800) << 10) + (low.code - 0xdc00), end: low.end }
    }
    return { code: high, end: at + 5 }
  }
  if (letter === 'x') return codeOf(hexDigits(text, at + 1, 2), at + 3)
  if (letter in SHORT_ESCAPES) return { code: SHORT_ESCAPES[letter]!, end: at + 1 }
  // CommonMark's escapable characters: ASCII punctuation.
  return /[!-/:-@[-`{-~]/.test(letter) ? { code: letter.charCodeAt(0), end: at + 1 } : undefined
}

function lowSurrogateAfter(text: string, at: number, layers: number): Reading | undefined {
  for (const introducer of introducersAt(text, at, text.charCodeAt(at), layers)) {
    if (introducer.code !== BACKSLASH || !/[uU]/.test(text[introducer.end] ?? '')) continue
    const low = hexDigits(text, introducer.end + 1, 4)
    if (low !== undefined && low >= 0xdc00 && low <= 0xdfff)
      return { code: low, end: introducer.end + 5 }
  }
  return undefined
}

/** After `&#`: leading zeros, then up to 8 digits, hex after an `x`. */
const NUMERIC_REFERENCE = /#(?:[xX](0*)([0-9A-Fa-f]{0,8})|(0*)([0-9]{0,8}))/y
/** After `&`: a reference's name, up to 32 letters and digits. */
const NAME = /[A-Za-z0-9]{0,32}/y

/** `&#38;`, `&#x26;`, `&amp;`; HTML also reads numeric references and Latin-1 names without the `;`. */
function characterReference(text: string, at: number): Reading | undefined {
  if (text[at] === '#') {
    NUMERIC_REFERENCE.lastIndex = at
    const [whole, hexZeros, hex, zeros, decimal] = NUMERIC_REFERENCE.exec(text)!
    const digits = hex ?? decimal!
    if ((hexZeros ?? zeros!) + digits === '') return undefined
    const value = digits === '' ? 0 : parseInt(digits, hex === undefined ? 10 : 16)
    const end = at + whole.length
    return codeOf(value, text.charCodeAt(end) === SEMICOLON ? end + 1 : end)
  }
  NAME.lastIndex = at
  const end = at + NAME.exec(text)![0].length
  if (text.charCodeAt(end) === SEMICOLON) {
    const named = entityCode(text.slice(at, end))
    if (named !== undefined) return { code: named, end: end + 1 }
  }
  for (let length = end - at; length > 0; length--) {
    const legacy = entityCode(text.slice(at, at + length))
    if (legacy !== undefined && legacy <= 0xff) return { code: legacy, end: at + length }
  }
  return undefined
}

function percentEscape(text: string, at: number, layers: number): Reading | undefined {
  const first = hexDigits(text, at, 2)
  if (first === undefined) return undefined
  if (first < 0x80) return { code: first, end: at + 2 }
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0
  if (length === 0) return undefined
  const bytes = [first]
  let end = at + 2
  while (bytes.length < length) {
    const next = introducersAt(text, end, text.charCodeAt(end), layers).find(
      (introducer) => introducer.code === PERCENT
    )
    const byte = next && hexDigits(text, next.end, 2)
    if (byte === undefined || byte < 0x80 || byte > 0xbf) return undefined
    bytes.push(byte)
    end = next!.end + 2
  }
  const decoded = Buffer.from(bytes).toString('utf8')
  const code = decoded.codePointAt(0)!
  return code === 0xfffd ? undefined : { code, end }
}

function entityCode(name: string): number | undefined {
  const value = Object.hasOwn(characterEntities, name) ? characterEntities[name] : undefined
  if (value === undefined) return undefined
  const code = value.codePointAt(0)!
  return value.length === (code > 0xffff ? 2 : 1) ? code : undefined
}

function codeOf(value: number | undefined, end: number): Reading | undefined {
  return value !== undefined && value <= 0x10ffff ? { code: value, end } : undefined
}

/** The value of exactly `count` hex digits (either case) at `at`. */
function hexDigits(text: string, at: number, count: number): number | undefined {
  const digits = text.slice(at, at + count)
  return digits.length === count && /^[0-9A-Fa-f]+$/.test(digits) ? parseInt(digits, 16) : undefined
}
