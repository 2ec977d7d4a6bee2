import { readCharacter } from './read-character.js'

/**
 * What a reader skips between two characters of a split credential: a line break (and the indentation after
 * it) and the invisible characters (zero-width space, joiners, word joiner, BOM, soft hyphen, and NUL, which
 * lies between the characters of UTF-16 text read as single bytes).
 */
const SKIPPED = new Set([0x0a, 0x0d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x00])

const INTRODUCERS = [0x5c, 0x26, 0x25]
const PLUS = 0x2b
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
   * Finds the positions worth reading (global): an escape or a `+`, or the first two units of a needle
   * (the second one possibly escaped or split). A native scan, so that text without a credential costs little.
   */
  candidates: RegExp
  longest: number
}

export function indexNeedles(needles: readonly Needle[]): NeedleIndex {
  const byFirst = new Map<number, Needle[]>()
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    if (needle.length === 0) continue
    const list = byFirst.get(needle[0]!) ?? []
    if (!list.some((other) => sameNeedle(other, needle))) list.push(needle)
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
 * Calls `visit` at each position in `[from, to)` where a needle may start, in order, until it returns
 * true; says whether one did.
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
 * After a line break, its indentation may be skipped too, and a diff's line marker (`+`, `-`) before it: a
 * reader of a diff reads the lines' text. Every end, longest first.
 */
function indentedEnds(text: string, reading: { code: number; end: number }): number[] {
  if (reading.code !== 0x0a && reading.code !== 0x0d) return [reading.end]
  const ends: number[] = []
  const marker = text[reading.end] === '+' || text[reading.end] === '-'
  if (marker) ends.push(...indentationEnds(text, reading.end + 1))
  ends.push(...indentationEnds(text, reading.end))
  return ends
}

function indentationEnds(text: string, from: number): number[] {
  let end = from
  while (text[end] === ' ' || text[end] === '\t') end++
  const ends: number[] = []
  for (let at = end; at >= from; at--) ends.push(at)
  return ends
}

function sameNeedle(a: Needle, b: Needle): boolean {
  return a.length === b.length && a.every((code, i) => code === b[i])
}
