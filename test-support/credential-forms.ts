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
  'base64'
] as const

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
  /** A line break between two tokens, at this fraction of the form (undefined: on one line). */
  split?: { at: number; lineBreak: '\n' | '\r\n' | '\r' | '\n    ' }
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
      lineBreak: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const, '\n    ' as const)
    })
  },
  { requiredKeys: ['form', 'choices', 'base64'] }
)

/** The credential written in `spec`'s form (with the username for the Basic value). */
export function encodeCredential(spec: FormSpec, credential: string, username = 'user'): string {
  const tokens = formTokens(spec, credential, username)
  if (!spec.split || tokens.length < 2) return tokens.join('')
  const at = 1 + Math.min(tokens.length - 2, Math.floor(spec.split.at * (tokens.length - 1)))
  return [...tokens.slice(0, at), spec.split.lineBreak, ...tokens.slice(at)].join('')
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
  }
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
