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
 * Every text an output shows passes here (docs/security.md), after the run decided on raw values and before a
 * channel escapes it: credentials redacted as a reader decodes the text, server text bounded.
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

  /** Names the run shows as they are (namespaces, the comment's address): a credential inside one is not a leak. */
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

  /** Bytes written as they are (a file brought back to Git) hold a credential in any encoding: then never written. */
  holdsCredential(bytes: Uint8Array): boolean {
    return decodedTexts(bytes).some((text) => this.text(text) !== text)
  }

  /** A message of untrusted text as shown (a finding, a server's answer): redacted, then cut at 2 KiB. */
  message(text: string): string {
    return bounded(this.text(text), MESSAGE_BYTES)
  }

  /**
   * Every string redacted and cut as a message, diffs redacted whole, flow sources as they are (a renderer shows
   * them only through their diff); what holds nothing to redact is returned itself, not copied.
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

/** Cut to `bytes` UTF-8 bytes at a character boundary, noting how much it held; after redaction, so no credential is cut. */
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
