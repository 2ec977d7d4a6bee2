import { characterEntities } from 'character-entities'

interface Reading {
  code: number
  end: number
}

const BACKSLASH = 0x5c
const AMPERSAND = 0x26
const PERCENT = 0x25
const PLUS = 0x2b
const INTRODUCERS = [BACKSLASH, AMPERSAND, PERCENT]

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
 * Every way a reader can read one character at `at` (docs/security.md): as it is; `+` as a space; a JSON,
 * JavaScript, C or YAML escape (surrogate pairs joined); an escaped line break, skipped; YAML's line folding as
 * a space and `''` as `'`; a Markdown backslash escape; an HTML character reference (named with or without `;`
 * where HTML allows, decimal, hex); percent-encoded UTF-8. The introducer (`\`, `&`, `%`) may itself be escaped
 * (`\u0026amp;`, `%255C`, `&#92;n`): two layers, as text escaped by a server and again by a channel reads.
 */
function readCharacter(text: string, at: number, layers = 2): Reading[] {
  const unit = text.charCodeAt(at)
  if (Number.isNaN(unit)) return []
  const code = text.codePointAt(at)!
  const readings: Reading[] = []
  if (unit === PLUS) readings.push({ code: SPACE, end: at + 1 })
  if (text.startsWith("''", at)) readings.push({ code: QUOTE, end: at + 2 })
  const folded = foldAt(text, at)
  if (folded !== undefined) readings.push({ code: SPACE, end: folded })
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
  if (!INTRODUCERS.includes(unit)) return []
  const found: Reading[] = [{ code: unit, end: at + 1 }]
  if (layers > 1) {
    for (const escaped of readCharacter(text, at, layers - 1)) {
      if (INTRODUCERS.includes(escaped.code) && escaped.end > at + 1) found.push(escaped)
    }
  }
  return found
}

/** YAML's line folding: white space, a line break, indentation. */
const FOLD = /[ \t]*(?:\r\n?|\n)[ \t]*/y

/** Where a fold at `at` ends, or undefined. */
function foldAt(text: string, at: number): number | undefined {
  FOLD.lastIndex = at
  return FOLD.test(text) ? FOLD.lastIndex : undefined
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
    return codeOf(value, text[end] === ';' ? end + 1 : end)
  }
  NAME.lastIndex = at
  const end = at + NAME.exec(text)![0].length
  if (text[end] === ';') {
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
  const code = Buffer.from(bytes).toString('utf8').codePointAt(0)!
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

/**
 * What a reader skips inside a split credential: line breaks (with indentation) and invisible characters (NUL:
 * UTF-16 read as bytes).
 */
const SKIPPED = new Set([0x0a, 0x0d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x00])

/** Where a fold (white space around a line break) or a single-quoted scalar's `''` starts. */
const FOLDING = [0x20, 0x09, 0x27]
/** Units at which a reading other than the character itself can start: escapes, `+` (a space), skips. */
const SPECIAL_UNITS = new Set([...INTRODUCERS, PLUS, ...SKIPPED])
const SPECIAL = new Uint8Array(0x10000)
for (const unit of [...SPECIAL_UNITS, ...FOLDING]) SPECIAL[unit] = 1

/** A text to find in any spelling: its code points, without the ones a reader skips. */
type Needle = readonly number[]

export function needleOf(text: string): Needle {
  return [...text].map((c) => c.codePointAt(0)!).filter((code) => !SKIPPED.has(code))
}

export interface NeedleIndex {
  byFirst: Map<number, Needle[]>
  /**
   * The positions worth reading (global): an escape, a `+`, or a needle's first two units; a native scan keeps
   * clean text cheap.
   */
  candidates: RegExp
  longest: number
}

export function indexNeedles(needles: readonly Needle[]): NeedleIndex {
  const byFirst = new Map<number, Needle[]>()
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    if (needle.length === 0) continue
    const list = byFirst.get(needle[0]!) ?? []
    if (!list.some((other) => other.join() === needle.join())) list.push(needle)
    byFirst.set(needle[0]!, list)
  }
  const seconds = new Map<string, Set<string>>()
  for (const list of byFirst.values()) {
    for (const needle of list) {
      const units = String.fromCodePoint(...needle.slice(0, 2))
      const first = unitPattern(units.charCodeAt(0))
      const next = seconds.get(first) ?? new Set(SPECIAL_PATTERNS)
      if (units.length > 1) next.add(unitPattern(units.charCodeAt(1)))
      seconds.set(first, next)
    }
  }
  // A leading space may be spelled `+` or folded from a line break.
  const introducers = byFirst.has(0x20) ? [...INTRODUCERS, PLUS, 0x0a, 0x0d, 0x09] : INTRODUCERS
  const starts = [...seconds].map(([first, next]) => `${first}(?=[${[...next].join('')}])`)
  const candidates = new RegExp(
    [`[${introducers.map(unitPattern).join('')}]`, ...starts].join('|'),
    'g'
  )
  const longest = Math.max(0, ...needles.map((needle) => needle.length))
  return { byFirst, candidates, longest }
}

const SPECIAL_PATTERNS = [...SPECIAL_UNITS].map(unitPattern)

function unitPattern(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`
}

/** The spans `[start, end)` of `text` that spell a needle, overlapping ones merged, in order. */
export function spellingSpans(text: string, index: NeedleIndex): Span[] {
  const spans: Span[] = []
  eachCandidate(text, index, 0, text.length, (at) => {
    const end = spellingAt(text, at, index)
    if (end < 0) return false
    const last = spans[spans.length - 1]
    if (last && at <= last[1]) last[1] = Math.max(last[1], end)
    else spans.push([at, end])
    return false
  })
  return spans
}

/**
 * Calls `visit` at each position in `[from, to)` where a needle may start until it returns true; says if one did.
 */
export function eachCandidate(
  text: string,
  index: NeedleIndex,
  from: number,
  to: number,
  visit: (at: number) => boolean
): boolean {
  // The index's own expression, its lastIndex set before each exec: a visit may scan with it too. A copy
  // for each call cost more than the scan itself for the short texts most calls read.
  const scan = index.candidates
  for (let at = from; at < to;) {
    scan.lastIndex = at
    const match = scan.exec(text)
    if (!match || match.index >= to) return false
    if (visit(match.index)) return true
    at = match.index + 1
  }
  return false
}

export type Span = [start: number, end: number]

export function spellingAt(text: string, at: number, index: NeedleIndex): number {
  const unit = text.charCodeAt(at)
  const readings =
    SPECIAL[unit] === 1
      ? readCharacter(text, at)
      : [{ code: text.codePointAt(at)!, end: at + (unit >= 0xd800 && unit <= 0xdbff ? 2 : 1) }]
  let best = -1
  for (const reading of readings) {
    for (const needle of index.byFirst.get(reading.code) ?? []) {
      const end = rest(text, reading.end, needle, 1, {})
      if (end > best) best = end
      if (end >= 0) break
    }
  }
  return best
}

/** Dead ends of one attempt (position and k), once a split makes several paths possible. */
interface Attempt {
  failed?: Set<number>
}

function rest(text: string, at: number, needle: Needle, k: number, attempt: Attempt): number {
  if (k === needle.length) return at
  const unit = text.charCodeAt(at)
  if (SPECIAL[unit] === 0) {
    if (text.codePointAt(at) !== needle[k]) return -1
    return rest(text, at + (unit >= 0xd800 && unit <= 0xdbff ? 2 : 1), needle, k + 1, attempt)
  }
  const key = at * (needle.length + 1) + k
  if (attempt.failed?.has(key)) return -1
  for (const reading of readCharacter(text, at)) {
    if (SKIPPED.has(reading.code)) {
      for (const after of indentedEnds(text, reading)) {
        const end = rest(text, after, needle, k, attempt)
        if (end >= 0) return end
      }
    } else if (reading.code === needle[k]) {
      const end = rest(text, reading.end, needle, k + 1, attempt)
      if (end >= 0) return end
    }
  }
  ;(attempt.failed ??= new Set()).add(key)
  return -1
}

/**
 * After a line break, its indentation and a diff's line marker (`+`, `-`) may be skipped too; ends longest first.
 */
function indentedEnds(text: string, reading: Reading): number[] {
  if (reading.code !== LF && reading.code !== CR) return [reading.end]
  const marker = text[reading.end] === '+' || text[reading.end] === '-'
  return [
    ...(marker ? indentationEnds(text, reading.end + 1) : []),
    ...indentationEnds(text, reading.end)
  ]
}

const INDENTATION = /[ \t]*/y

function indentationEnds(text: string, from: number): number[] {
  INDENTATION.lastIndex = from
  const end = from + INDENTATION.exec(text)![0].length
  return Array.from({ length: end - from + 1 }, (_, i) => end - i)
}
