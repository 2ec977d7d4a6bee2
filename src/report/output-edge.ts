import type { Credentials } from './redact/credentials.js'
import { createRedactor, weakCredentialWarning, type Redactor } from './redact/redactor.js'
import { decodedTexts } from './redact/text-encodings.js'

/** Untrusted text is bounded (docs/security.md): a log line of it at 4 KiB, a message (a finding's…) at 2 KiB. */
export const LOG_LINE_BYTES = 4096
const MESSAGE_BYTES = 2048

/** Shown whole once redacted: a diff is bounded by the plan's own limits. */
const UNBOUNDED_KEYS = new Set(['diff'])
/** Flow sources: never shown as such, only through their diff. */
const SOURCE_KEYS = new Set(['desired', 'source'])

/**
 * The output edge (docs/security.md): every text an output shows passes here, after the run has decided on
 * raw values and before a channel escapes it (Markdown, HTML, workflow commands, JSON). Credentials are
 * redacted from the text as a reader decodes it, and server text is bounded.
 */
export class OutputEdge {
  private redactor: Redactor
  private readonly names: string[]

  constructor(
    private readonly credentials: Credentials,
    names: readonly string[] = []
  ) {
    this.names = [...names]
    this.redactor = createRedactor(credentials, names)
  }

  /**
   * Names the run has found and shows as they are (the managed namespaces, the comment's address): a
   * credential inside one is that name, not a leak. Names are only ever added.
   */
  learn(names: readonly string[]): void {
    this.names.push(...names)
    this.redactor = this.redactor.withNames(names)
  }

  weakCredentials(): string | undefined {
    return weakCredentialWarning(this.credentials, this.names)
  }

  text(text: string): string {
    return this.redactor.text(text)
  }

  /**
   * Whether bytes the run would write as they are (a file brought back to Git) hold a credential in any form,
   * read in every text encoding a reader may decode them with. The bytes themselves are never redacted: such
   * content is not written at all.
   */
  holdsCredential(bytes: Uint8Array): boolean {
    return decodedTexts(bytes).some((text) => this.text(text) !== text)
  }

  /** A message of untrusted text as shown (a finding, a server's answer): redacted, then cut at 2 KiB. */
  message(text: string): string {
    return bounded(this.text(text), MESSAGE_BYTES)
  }

  /**
   * Plain data as a renderer may show it: every string redacted and cut as a message, diffs redacted whole;
   * numbers, bytes, maps and other objects as they are. Flow sources stay as they are: a renderer shows a source
   * only through its diff (and a channel's last guard reads everything). What holds nothing to redact is
   * returned itself, not copied.
   */
  shown<T>(data: T): T {
    // A plan repeats its names (namespaces, actions, kinds) thousands of times: each is read once.
    const messages = new Map<string, string>()
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
    if (Array.isArray(value)) {
      const items = value.map((item) => this.copy(item, key, message))
      return items.some((item, i) => item !== value[i]) ? items : value
    }
    if (value === null || typeof value !== 'object' || !isPlain(value)) return value
    let copy: Record<string, unknown> | undefined
    for (const [name, item] of Object.entries(value)) {
      const shown = this.copy(item, name, message)
      if (shown !== item) (copy ??= { ...value })[name] = shown
    }
    return copy ?? value
  }
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * `text` cut to at most `bytes` UTF-8 bytes, at a character boundary, with a note saying how much it held.
 * Cut after redaction, so that no cut leaves part of a credential.
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
