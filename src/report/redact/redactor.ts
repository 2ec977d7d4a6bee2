import type { Credentials } from './credentials.js'
import {
  eachCandidate,
  indexNeedles,
  needleOf,
  spellingAt,
  spellingSpans,
  type NeedleIndex,
  type Span
} from './spelling.js'
import { base64Inside, base64Whole, utf16Patterns, utf16Spans } from './text-encodings.js'

const REDACTED = '***'

/** Fewer characters (white space not counted) cannot be told from ordinary text: not redacted, warned about (docs/security.md). */
export const MIN_REDACTED_CHARACTERS = 4

/** The longest spelling of one character (`&#x0001F600;`, two layers of escapes), to size the search for names. */
const WIDEST_SPELLING = 16

export interface Redactor {
  text(text: string): string
  /** The same credentials, with more names that the run shows as they are (docs/security.md). */
  withNames(names: readonly string[]): Redactor
}

/**
 * The redactor of docs/security.md: cuts each credential out of `text` as a reader would read it (escapes undone,
 * line breaks skipped) and in base64 at any alignment. A span inside a public name the run computes (repository,
 * servers, namespaces, paths) is that name, not a leak: it stays, so a weak credential never garbles it.
 */
export function createRedactor(credentials: Credentials, names: readonly string[] = []): Redactor {
  const texts = credentialNeedles(credentials)
  const utf16 = utf16Patterns(texts)
  return redactorOf(
    {
      needles: indexNeedles(texts.map(needleOf)),
      utf16,
      utf16WithoutNul: utf16.filter((pattern) => !pattern.includes(0))
    },
    names
  )
}

/** The credentials' spellings to find: as read character by character, and as UTF-16 bytes. */
interface CredentialIndex {
  needles: NeedleIndex
  utf16: readonly Buffer[]
  /** UTF-16 spellings without a NUL byte: the only ones a text without U+0000 can hold. */
  utf16WithoutNul: readonly Buffer[]
}

/** The characters of a secret that redaction can hide: white space and what a reader skips not counted. */
export function hiddenCharacters(secret: string): number {
  return needleOf(secret).filter((code) => !/\s/u.test(String.fromCodePoint(code))).length
}

function redactorOf(credentials: CredentialIndex, names: readonly string[]): Redactor {
  const publicNames = indexNeedles(names.map(needleOf).filter((name) => name.length > 0))
  return {
    text: (text) => redact(text, credentials, publicNames),
    withNames: (more) => redactorOf(credentials, [...names, ...more])
  }
}

function credentialNeedles(credentials: Credentials): string[] {
  const texts = credentials.secrets
    .map((secret) => secret.value)
    .filter((secret) => hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
    .flatMap((secret) => [secret, ...base64Inside(secret), ...base64Whole(secret)])
  const { basic } = credentials
  if (basic) texts.push(...base64Whole(`${basic.username}:${basic.password}`))
  return texts
}

function redact(text: string, credentials: CredentialIndex, names: NeedleIndex): string {
  if (credentials.needles.byFirst.size === 0) return text
  const spans = [
    ...spellingSpans(text, credentials.needles).filter((span) => !insideName(text, span, names)),
    ...utf16Spans(text, text.includes('\0') ? credentials.utf16 : credentials.utf16WithoutNul)
  ]
  if (spans.length === 0) return text
  spans.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  for (const [start, end] of spans) {
    if (start < at) {
      // Overlaps the span just cut: one cut for both.
      at = Math.max(at, end)
      continue
    }
    out += text.slice(at, start) + REDACTED
    at = end
  }
  return out + text.slice(at)
}

function insideName(text: string, [start, end]: Span, names: NeedleIndex): boolean {
  if (names.byFirst.size === 0) return false
  const from = Math.max(0, start - names.longest * WIDEST_SPELLING)
  return eachCandidate(text, names, from, start + 1, (at) => spellingAt(text, at, names) >= end)
}

/** Shorter credentials are weak: easy to guess, and likely to turn up in ordinary text. */
const STRONG_CREDENTIAL_CHARACTERS = 8

/** The one warning about weak credentials (docs/security.md): names the inputs, never the value; undefined when none. */
export function weakCredentialWarning(
  credentials: Credentials,
  names: readonly string[]
): string | undefined {
  const weak = credentials.secrets.filter(
    ({ value }) =>
      hiddenCharacters(value) < STRONG_CREDENTIAL_CHARACTERS ||
      names.some((name) => name.includes(value))
  )
  if (weak.length === 0) return undefined
  const inputs = weak.map((secret) => secret.input).join(', ')
  const unredacted = weak.some(({ value }) => hiddenCharacters(value) < MIN_REDACTED_CHARACTERS)
  return [
    `Weak credential (${inputs}): shorter than ${STRONG_CREDENTIAL_CHARACTERS} characters, or part of a name this run shows as it is (the repository, a server, the tenant, a namespace, a path).`,
    'Outputs cannot hide it inside those names',
    unredacted ? `, nor anywhere when under ${MIN_REDACTED_CHARACTERS} characters` : '',
    '. The run is unaffected: replace it with a long random value.'
  ].join('')
}
