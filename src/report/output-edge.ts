import type { Credentials } from '../redact/credentials.js'
import { createRedactor, type Redactor } from '../redact/redactor.js'
import { weakCredentialWarning } from '../redact/weak-credentials.js'
import { bounded, MESSAGE_BYTES } from './bounds.js'

/** Shown whole once redacted: a diff is bounded by the plan's own limits. */
const UNBOUNDED_KEYS = new Set(['diff'])
/** Flow sources: never shown as such (only through their diff), so left out of the copy for renderers. */
const SOURCE_KEYS = new Set(['desired', 'source'])

/**
 * The output edge (docs/security.md): every text an output shows passes here, after the run has decided on
 * raw values and before a channel escapes it (Markdown, HTML, workflow commands, JSON). Credentials are
 * redacted from the text as a reader decodes it, and server text is bounded.
 */
export class OutputEdge {
  private redactor: Redactor
  private readonly names: string[]

  /** `names`: the public names of the run (public-names.ts). */
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

  /** The one warning about weak credentials, against the names known so far. */
  weakCredentials(): string | undefined {
    return weakCredentialWarning(this.credentials, this.names)
  }

  text(text: string): string {
    return this.redactor.text(text)
  }

  /** A message of untrusted text as shown (a finding, a server's answer): redacted, then cut at 2 KiB. */
  message(text: string): string {
    return bounded(this.text(text), MESSAGE_BYTES)
  }

  /**
   * A copy of plain data for a renderer: every string redacted and cut as a message, diffs redacted whole,
   * flow sources left out; numbers, bytes and other objects as they are.
   */
  shown<T>(data: T): T {
    return this.copy(data, undefined) as T
  }

  private copy(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') {
      return key !== undefined && UNBOUNDED_KEYS.has(key) ? this.text(value) : this.message(value)
    }
    if (Array.isArray(value)) return value.map((item) => this.copy(item, key))
    if (value instanceof Map) {
      return new Map([...value].map(([k, v]) => [this.copy(k, undefined), this.copy(v, undefined)]))
    }
    if (value === null || typeof value !== 'object' || !isPlain(value)) return value
    const copy: Record<string, unknown> = {}
    for (const [name, item] of Object.entries(value)) {
      if (typeof item === 'string' && SOURCE_KEYS.has(name)) continue
      copy[name] = this.copy(item, name)
    }
    return copy
  }
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
