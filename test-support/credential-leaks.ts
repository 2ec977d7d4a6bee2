/**
 * A reader's decoding of an output, to find a credential in any form (docs/security.md): the text as is,
 * with JSON and `\x` escapes, YAML's double-quoted escapes, escaped line breaks and line folding, single-quoted
 * `''`, HTML character references, Markdown escapes, percent or form encoding undone, one layer or two, line
 * breaks and invisible characters (NUL too) removed, every YAML scalar as the `yaml` parser reads it, the
 * text's bytes read again as UTF-16, and every base64 run decoded at each of its four offsets. Bytes (a file
 * written to Git) are read as UTF-8 and as UTF-16 of either endianness from either byte. Written apart from
 * the action's redactor, so that a test built on it can fail.
 */
import { characterEntities } from 'character-entities'
import { isScalar, parseAllDocuments, visit } from 'yaml'

type Decoder = (text: string) => string

const DECODERS: Record<string, Decoder> = {
  json: (text) =>
    text.replace(
      /\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([nrtbf"\\/])/g,
      (whole, braced?: string, u?: string, x?: string, short?: string) => {
        const hex = braced ?? u ?? x
        if (hex !== undefined) return fromCode(parseInt(hex, 16)) ?? whole
        return { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[short!] ?? short!
      }
    ),
  html: (text) =>
    text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?/g, (whole, ref: string) => {
      if (ref.startsWith('#x') || ref.startsWith('#X'))
        return fromCode(parseInt(ref.slice(2), 16)) ?? whole
      if (ref.startsWith('#')) return fromCode(parseInt(ref.slice(1), 10)) ?? whole
      return characterEntities[ref] ?? whole
    }),
  markdown: (text) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1'),
  yamlDouble: (text) =>
    fold(text.replace(/\\(?:\r\n|\r|\n)[ \t]*/g, '')).replace(
      /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0abtnvfreN_LP "/\\\t]))/g,
      (whole, x?: string, u?: string, U?: string, short?: string) => {
        const hex = x ?? u ?? U
        if (hex !== undefined) return fromCode(parseInt(hex, 16)) ?? whole
        return YAML_ESCAPES[short!] ?? short!
      }
    ),
  yamlSingle: (text) => fold(text).replace(/''/g, "'"),
  diff: (text) => text.replace(/(\r\n|\r|\n)[+\- ]/g, '$1'),
  percent: (text) => percentDecode(text),
  form: (text) => percentDecode(text.replace(/\+/g, ' '))
}

const YAML_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' '
}

/** YAML's line folding: one line break with the white space around it reads as a space. */
function fold(text: string): string {
  return text.replace(/[ \t]*(?:\r\n|\r|\n)[ \t]*(?![\r\n])/g, ' ')
}

/**
 * Every reading of `text`: as is, through one or two decoders, as YAML scalars, and its bytes as UTF-16; each
 * also with its lines joined.
 */
export function readings(text: string): string[] {
  const decoders = Object.values(DECODERS)
  // A decoder that leaves the text as it is gives no new reading to decode again.
  const once = [...new Set(decoders.map((decode) => decode(text)))].filter((t) => t !== text)
  const twice = once.flatMap((first) => decoders.map((decode) => decode(first)))
  const all = new Set([
    text,
    ...once,
    ...twice,
    ...yamlScalars(text),
    ...utf16Texts(Buffer.from(text))
  ])
  for (const reading of [...all]) all.add(joinLines(reading))
  return [...all]
}

/** The `yaml` parser's reading of every scalar of the text, when it parses. */
function yamlScalars(text: string): string[] {
  const found: string[] = []
  try {
    for (const document of parseAllDocuments(text)) {
      visit(document, {
        Scalar: (_, node) => {
          if (isScalar(node) && typeof node.value === 'string') found.push(node.value)
        }
      })
    }
  } catch {
    return found
  }
  return found
}

/** Bytes read as UTF-16 little- and big-endian, from either byte. */
function utf16Texts(bytes: Buffer): string[] {
  const texts: string[] = []
  for (const offset of [0, 1]) {
    const even = Buffer.from(bytes.subarray(offset, offset + ((bytes.length - offset) & ~1)))
    if (even.length < 2) continue
    texts.push(even.toString('utf16le'), even.swap16().toString('utf16le'))
  }
  return texts
}

/** Where `credential` can be read back from bytes written as they are (a file), in any text encoding. */
export function credentialLeaksInBytes(bytes: Uint8Array, credential: string): string[] {
  const buffer = Buffer.from(bytes)
  const texts = [buffer.toString('utf8'), buffer.toString('latin1'), ...utf16Texts(buffer)]
  return [...new Set(texts.flatMap((text) => credentialLeaks(text, credential)))]
}

/**
 * Where `credential` can be read back from `text`: the readings that hold it, or a base64 run that decodes
 * to bytes holding it. Empty when it cannot.
 */
export function credentialLeaks(text: string, credential: string): string[] {
  const wanted = joinLines(credential)
  if (wanted === '') return []
  const bytes = Buffer.from(credential)
  const found: string[] = []
  // Each base64 run is decoded once, whichever readings hold it.
  const runs = new Set<string>()
  for (const reading of readings(text)) {
    const at = reading.indexOf(wanted)
    if (at >= 0) found.push(`"${excerpt(reading, at, wanted.length)}"`)
    for (const match of reading.matchAll(BASE64_RUN)) runs.add(match[0])
  }
  for (const run of runs) {
    if (base64Holds(run, bytes)) found.push(`base64 "${run.slice(0, 80)}"`)
  }
  return [...new Set(found)]
}

/** Line breaks (with the indentation after them) and invisible characters a reader skips. */
export function joinLines(text: string): string {
  return text
    .replace(/(?:\r\n|\r|\n)[ \t]*/g, '')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad\u0000]/g, '')
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{4,}={0,2}/g

/** Whether a base64 run (either alphabet) decodes, at any of its four offsets, to bytes holding `bytes`. */
function base64Holds(match: string, bytes: Buffer): boolean {
  const run = match.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/')
  for (let offset = 0; offset < 4 && offset < run.length; offset++) {
    const digits = run.slice(offset)
    const decoded = Buffer.from(digits.slice(0, digits.length - (digits.length % 4)), 'base64')
    const tail = digits.length % 4 >= 2 ? Buffer.from(digits, 'base64') : decoded
    if (decoded.includes(bytes) || tail.includes(bytes)) return true
  }
  return false
}

function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex')
    return new TextDecoder().decode(bytes)
  })
}

function fromCode(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff
    ? String.fromCodePoint(code)
    : undefined
}

function excerpt(text: string, at: number, length: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 30), at + length + 30)).slice(1, -1)
}
