import type { RunContext } from '../model/context.js'
import { planFilePath, sarifFilePath } from './plan-file.js'
import type { Settings } from '../model/settings.js'
import type { Credentials } from './redact/credentials.js'
import {
  base64Inside,
  base64Whole,
  decodedTexts,
  utf16Patterns,
  utf16Spans
} from './redact/text-encodings.js'
import {
  eachCandidate,
  indexNeedles,
  type NeedleIndex,
  needleOf,
  type Span,
  spellingAt,
  spellingSpans
} from './redact/spelling.js'

/** Untrusted text is bounded (docs/security.md): a log line of it at 4 KiB, a message (a finding…) at 2 KiB. */
export const LOG_LINE_BYTES = 4096
const MESSAGE_BYTES = 2048

/** Shown whole once redacted: a diff is bounded by the plan's own limits. */
const UNBOUNDED_KEYS = new Set(['diff'])
/** Flow sources: never shown as such, only through their diff. */
const SOURCE_KEYS = new Set(['desired', 'source'])

/**
 * Every text an output shows passes here (docs/security.md), after the run decided on raw values and before a
 * channel escapes it: credentials redacted as a reader decodes the text, server text bounded.
 */
export class OutputEdge {
  private readonly index: CredentialIndex
  private readonly names: string[] = []
  private publicNames = indexNeedles([])
  /**
   * Each string `shown` redacted and cut, as it was shown: a run shows its plan several times (comment, plan
   * file, receipt), and a plan repeats its names (namespaces, actions, kinds) thousands of times. Forgotten when
   * the public names change, which changes what is redacted.
   */
  private shownMessages = new Map<string, string>()

  constructor(
    private readonly credentials: Credentials,
    names: readonly string[] = []
  ) {
    this.index = credentialIndex(credentials)
    this.learn(names)
  }

  /**
   * Names the run shows as they are (namespaces, the comment's address): a credential inside one is not a leak.
   */
  learn(names: readonly string[]): void {
    this.names.push(...names)
    this.publicNames = indexNeedles(this.names.map(needleOf).filter((name) => name.length > 0))
    this.shownMessages = new Map()
  }

  weakCredentials(): string | undefined {
    return weakCredentialWarning(this.credentials, this.names)
  }

  /**
   * The redactor of docs/security.md: cuts each credential out of `text` as a reader would read it (escapes
   * undone, line breaks skipped) and in base64 at any alignment. A span inside a public name the run computes
   * (repository, servers, namespaces, paths) is that name, not a leak: it stays, so a weak credential never
   * garbles it.
   */
  text(text: string): string {
    return redact(text, this.index, this.publicNames)
  }

  /**
   * Bytes written as they are (a file brought back to Git) hold a credential in any encoding: then never written.
   */
  holdsCredential(bytes: Uint8Array): boolean {
    return decodedTexts(bytes).some((text) => this.text(text) !== text)
  }

  /** A message of untrusted text as shown (a finding, a server's answer): redacted, then cut at 2 KiB. */
  message(text: string): string {
    return bounded(this.text(text), MESSAGE_BYTES)
  }

  /**
   * Strings redacted and cut as messages, diffs redacted whole, flow sources as they are (shown only through
   * diffs); nothing copied needlessly.
   */
  shown<T>(data: T): T {
    const messages = this.shownMessages
    const message = (text: string) => {
      let shown = messages.get(text)
      if (shown === undefined) messages.set(text, (shown = this.message(text)))
      return shown
    }
    return this.copy(data, undefined, message) as T
  }

  private copy(
    value: unknown,
    key: string | undefined,
    message: (text: string) => string
  ): unknown {
    if (typeof value === 'string') {
      if (key !== undefined && SOURCE_KEYS.has(key)) return value
      return key !== undefined && UNBOUNDED_KEYS.has(key) ? this.text(value) : message(value)
    }
    // Copied only where something shown differs: most of a plan is shown as it is.
    if (Array.isArray(value)) {
      let items: unknown[] | undefined
      for (let i = 0; i < value.length; i++) {
        const shown = this.copy(value[i], key, message)
        if (shown !== value[i]) (items ??= [...(value as unknown[])])[i] = shown
      }
      return items ?? value
    }
    if (value === null || typeof value !== 'object') return value
    const prototype = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return value
    const record = value as Record<string, unknown>
    let copy: Record<string, unknown> | undefined
    for (const name of Object.keys(record)) {
      const item = record[name]
      const shown = this.copy(item, name, message)
      if (shown !== item) (copy ??= { ...record })[name] = shown
    }
    return copy ?? value
  }
}

/**
 * Cut to `bytes` UTF-8 bytes at a character boundary, noting the total; after redaction, so no credential is cut.
 */
export function bounded(text: string, bytes: number): string {
  if (text.length * 3 <= bytes) return text
  const total = Buffer.byteLength(text)
  if (total <= bytes) return text
  let kept = 0
  let end = 0
  for (const character of text) {
    const size = Buffer.byteLength(character)
    if (kept + size > bytes) break
    kept += size
    end += character.length
  }
  return `${text.slice(0, end)} … [cut at ${bytes / 1024} KiB of ${total.toLocaleString('en-US')} bytes]`
}

const REDACTED = '***'

/**
 * Shorter (white space not counted) is not told from ordinary text: not redacted, warned about (docs/security.md).
 */
export const MIN_REDACTED_CHARACTERS = 4

/** The longest spelling of one character (`&#x0001F600;`, two layers of escapes), to size the search for names. */
const WIDEST_SPELLING = 16

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

function credentialIndex(credentials: Credentials): CredentialIndex {
  const texts = credentials.secrets
    .map((secret) => secret.value)
    .filter((secret) => hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
    .flatMap((secret) => [secret, ...base64Inside(secret), ...base64Whole(secret)])
  const { basic } = credentials
  if (basic) texts.push(...base64Whole(`${basic.username}:${basic.password}`))
  const utf16 = utf16Patterns(texts)
  return {
    needles: indexNeedles(texts.map(needleOf)),
    utf16,
    utf16WithoutNul: utf16.filter((pattern) => !pattern.includes(0))
  }
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
    // A span that overlaps the one just cut is cut with it.
    if (start >= at) out += text.slice(at, start) + REDACTED
    at = Math.max(at, end)
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

/** The one warning about weak credentials (docs/security.md): names the inputs, never the value; or undefined. */
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
  const unredacted = weak.some(({ value }) => hiddenCharacters(value) < MIN_REDACTED_CHARACTERS)
  return [
    `Weak credential (${weak.map((secret) => secret.input).join(', ')}): shorter than ${STRONG_CREDENTIAL_CHARACTERS} characters, or part of a name this run shows as it is (the repository, a server, the tenant, a namespace, a path).`,
    'Outputs cannot hide it inside those names',
    unredacted ? `, nor anywhere when under ${MIN_REDACTED_CHARACTERS} characters` : '',
    '. The run is unaffected: replace it with a long random value.'
  ].join('')
}

/** The action's own name: the start of its markers, plan file, annotation titles and KV keys. */
const ACTION_NAME = 'kestra-gitops'

/**
 * The names a run shows as they are, known before it reads anything (docs/security.md): repository, servers,
 * tenant, namespaces, comment key, computed paths, commits. A credential inside one is that name, not a leak.
 */
export function publicNames(
  settings: Settings,
  context: RunContext,
  kestra: { server: string | undefined; upgradeServer: string | undefined }
): string[] {
  const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : ''
  return [
    ACTION_NAME,
    repository,
    context.owner,
    context.repo,
    context.serverUrl,
    repository && `${context.serverUrl}/${repository}`,
    context.apiUrl,
    kestra.server ?? '',
    kestra.upgradeServer ?? '',
    settings.tenant,
    settings.commentKey,
    settings.namespace ?? '',
    ...settings.extraNamespaces,
    ...settings.namespaceFiles.map((mapping) => mapping.namespace),
    context.workspace,
    context.runnerTemp,
    planFilePath(context.runnerTemp, settings.commentKey),
    sarifFilePath(context.runnerTemp, settings.commentKey),
    context.sha,
    context.pullRequest?.baseSha ?? '',
    context.push?.before ?? ''
  ].filter((name) => name !== '')
}
