/**
 * Every form in which a server, a proxy or a careless renderer could write a credential (docs/security.md): the
 * test side's encoders, drawn by fast-check. A form is a list of tokens (one per character, byte or base64
 * digit) so that a split across two lines falls between tokens, as a reader would still join it.
 */
import { characterEntities } from 'character-entities'
import fc from 'fast-check'

export const FORMS = [
  'raw',
  'percent',
  'form',
  'json-go',
  'json-any',
  'html',
  'markdown',
  'base64',
  'yaml-double',
  'yaml-single',
  'yaml-folded',
  'utf16le',
  'utf16be',
  'utf8-bom'
] as const

/** Forms that are bytes in another encoding, read by the run as UTF-8: a reader decodes them again. */
export const BYTE_FORMS: readonly FormName[] = ['utf16le', 'utf16be', 'utf8-bom']

export type FormName = (typeof FORMS)[number]

export interface FormSpec {
  form: FormName
  /** Per-character choices (which characters an escaping form escapes and how), used cyclically. */
  choices: number[]
  /** base64: of the credential or of `user:password`, which alphabet, padded or not, bytes around it. */
  base64: {
    of: 'credential' | 'basic'
    urlSafe: boolean
    padded: boolean
    before: number
    after: number
  }
  /**
   * A line break between two tokens, at this fraction of the form (undefined: on one line); in a YAML
   * double-quoted scalar, an escaped line break (`\` before it), which YAML reads as nothing.
   */
  split?: { at: number; lineBreak: '\n' | '\r\n' | '\r' | '\n    ' | '\n+  ' | '\n-' }
}

export const formSpec: fc.Arbitrary<FormSpec> = fc.record(
  {
    form: fc.constantFrom(...FORMS),
    choices: fc.array(fc.nat(), { minLength: 1, maxLength: 16 }),
    base64: fc.record({
      of: fc.constantFrom('credential' as const, 'basic' as const),
      urlSafe: fc.boolean(),
      padded: fc.boolean(),
      before: fc.nat({ max: 5 }),
      after: fc.nat({ max: 5 })
    }),
    split: fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      lineBreak: fc.constantFrom(
        '\n' as const,
        '\r\n' as const,
        '\r' as const,
        '\n    ' as const,
        '\n+  ' as const,
        '\n-' as const
      )
    })
  },
  { requiredKeys: ['form', 'choices', 'base64'] }
)

/** The credential written in `spec`'s form (with the username for the Basic value). */
export function encodeCredential(spec: FormSpec, credential: string, username = 'user'): string {
  const tokens = formTokens(spec, credential, username)
  if (!spec.split || tokens.length < 2) return tokens.join('')
  const at = 1 + Math.min(tokens.length - 2, Math.floor(spec.split.at * (tokens.length - 1)))
  const lineBreak = spec.form === 'yaml-double' ? `\\${spec.split.lineBreak}` : spec.split.lineBreak
  return [...tokens.slice(0, at), lineBreak, ...tokens.slice(at)].join('')
}

export function describeForm(spec: FormSpec): string {
  const b = spec.base64
  const detail =
    spec.form === 'base64'
      ? ` of ${b.of} (${b.urlSafe ? 'url-safe' : 'standard'}, ${b.padded ? 'padded' : 'unpadded'}, ${b.before}+${b.after} bytes around)`
      : ''
  return `${spec.form}${detail}${spec.split ? `, split by ${JSON.stringify(spec.split.lineBreak)}` : ''}`
}

function formTokens(spec: FormSpec, credential: string, username: string): string[] {
  const chars = [...credential]
  const choice = (i: number) => spec.choices[i % spec.choices.length]!
  switch (spec.form) {
    case 'raw':
      return chars
    case 'percent':
      return chars.map((c, i) => (choice(i) % 3 === 0 ? c : percent(c, choice(i) % 3 === 1)))
    case 'form':
      return chars.map((c) => new URLSearchParams({ s: c }).toString().slice(2))
    case 'json-go':
      return chars.map(goJson)
    case 'json-any':
      return chars.map((c, i) =>
        choice(i) % 4 === 0 ? JSON.stringify(c).slice(1, -1) : uEscape(c, choice(i) % 4 === 1)
      )
    case 'html':
      return chars.map((c, i) => htmlEntity(c, choice(i)))
    case 'markdown':
      return chars.map((c) => (/[!-/:-@[-`{-~]/.test(c) ? `\\${c}` : c))
    case 'base64':
      return [...base64Run(spec, credential, username)]
    case 'yaml-double':
      return chars.map((c, i) => yamlDouble(c, choice(i), chars[i - 1], chars[i + 1]))
    case 'yaml-single':
      return chars.map((c, i) =>
        c === "'" ? "''" : c === ' ' && choice(i) % 2 === 1 && foldable(chars, i) ? '\n  ' : c
      )
    case 'yaml-folded':
      return chars.map((c, i) =>
        c === ' ' && foldable(chars, i) ? `\n${' '.repeat(2 + (choice(i) % 3))}` : c
      )
    case 'utf16le':
    case 'utf16be': {
      // UTF-16 bytes that the run read as UTF-8 (with a BOM by choice): NULs between ASCII letters.
      const form = spec.form
      return [
        ...(choice(0) % 2 === 0 ? [utf16(form, '\ufeff')] : []),
        ...chars.map((c) => utf16(form, c))
      ]
    }
    case 'utf8-bom':
      return ['\ufeff', ...chars]
  }
}

function utf16(form: 'utf16le' | 'utf16be', c: string): string {
  const bytes = Buffer.from(c, 'utf16le')
  return (form === 'utf16be' ? bytes.swap16() : bytes).toString('utf8')
}

/** A space YAML may fold into a line break: one with no white space beside it (folding trims that). */
function foldable(chars: string[], i: number): boolean {
  return (
    !/\s/.test(chars[i - 1] ?? '') &&
    !/\s/.test(chars[i + 1] ?? '') &&
    i > 0 &&
    i < chars.length - 1
  )
}

/** One character as YAML's double-quoted scalar may spell it: raw, `\x`, `\u`, `\U`, a named escape, or folded. */
function yamlDouble(c: string, choice: number, before?: string, after?: string): string {
  const code = c.codePointAt(0)!
  const named = YAML_NAMED[c]
  switch (choice % 6) {
    case 0:
      return c === '"' || c === '\\' || code < 0x20 ? (named ?? hexU(code)) : c
    case 1:
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : hexU(code)
    case 2:
      return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0').toUpperCase()}` : hexU(code)
    case 3:
      return hexU(code)
    case 4:
      return named ?? hexU(code)
    default:
      return c === ' ' && !/\s/.test(before ?? '') && !/\s/.test(after ?? '') && before && after
        ? '\n    '
        : (named ?? c)
  }
}

function hexU(code: number): string {
  return `\\U${code.toString(16).padStart(8, '0')}`
}

const YAML_NAMED: Record<string, string> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  ' ': '\\ ',
  '"': '\\"',
  '/': '\\/',
  '\\': '\\\\',
  '\u0085': '\\N',
  '\u00a0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P'
}

function percent(c: string, upper: boolean): string {
  const hex = [...Buffer.from(c)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  return upper ? hex.toUpperCase() : hex
}

/** Go's encoding/json: HTML-safe escapes for <, > and &, and the two JavaScript line terminators. */
function goJson(c: string): string {
  if (c === '<' || c === '>' || c === '&' || c === '\u2028' || c === '\u2029')
    return uEscape(c, false)
  return JSON.stringify(c).slice(1, -1)
}

function uEscape(c: string, upper: boolean): string {
  let out = ''
  for (let i = 0; i < c.length; i++) {
    const hex = c.charCodeAt(i).toString(16).padStart(4, '0')
    out += `\\u${upper ? hex.toUpperCase() : hex}`
  }
  return out
}

const NAMES_OF = namesByCharacter()

function htmlEntity(c: string, choice: number): string {
  const code = c.codePointAt(0)!
  const names = NAMES_OF.get(c) ?? []
  switch (choice % 4) {
    case 0:
      if (names.length > 0) return `&${names[choice % names.length]};`
      return `&#${code};`
    case 1:
      return `&#${'0'.repeat(choice % 3)}${code};`
    case 2:
      return `&#${choice % 2 ? 'X' : 'x'}${code.toString(16)[choice % 3 ? 'toUpperCase' : 'toLowerCase']()};`
    default:
      return /[&<>"]/.test(c) ? `&#${code};` : c
  }
}

function namesByCharacter(): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [name, value] of Object.entries(characterEntities)) {
    map.set(value, [...(map.get(value) ?? []), name])
  }
  return map
}

/** The base64 of bytes + the text + bytes, as in a longer run: the text at any of the three alignments. */
function base64Run(spec: FormSpec, credential: string, username: string): string {
  const { of, urlSafe, padded, before, after } = spec.base64
  const text = of === 'basic' ? `${username}:${credential}` : credential
  const bytes = Buffer.concat([
    Buffer.alloc(before, 0x41 + (before % 7)),
    Buffer.from(text),
    Buffer.alloc(after, 0x61 + (after % 5))
  ])
  let run = bytes.toString(urlSafe ? 'base64url' : 'base64')
  if (urlSafe && padded) run += '='.repeat((4 - (run.length % 4)) % 4)
  if (!urlSafe && !padded) run = run.replace(/=+$/, '')
  return run
}
