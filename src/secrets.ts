import type { Auth } from './settings.js'

/** Shorter values are not secrets worth masking: replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4
const REDACTED = '***'

/** The credentials an auth sends to Kestra: what a server or a proxy in front of it could echo. */
export function authSecrets(auth: Auth): string[] {
  if (auth.kind === 'bearer') return [auth.token]
  if (auth.kind !== 'basic') return []
  return [auth.password, base64(`${auth.username}:${auth.password}`)].filter(Boolean)
}

/**
 * Every form in which a secret can appear in text that came from elsewhere: as is, URL-encoded (either
 * hex case, and with `+` for spaces as forms encode), JSON-escaped, and base64 (padded or not). Longest
 * first, so that a form containing another is replaced whole.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    const encoded = encodeURIComponent(secret)
    for (const form of [
      secret,
      encoded,
      encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      base64(secret),
      base64(secret).replace(/=+$/, '')
    ]) {
      if (form.length >= MIN_SECRET_LENGTH) forms.add(form)
    }
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

/** Replaces every credential form in text before it reaches an output: one rule for all of them. */
export interface Redactor {
  /** The forms replaced (for `core.setSecret`). */
  readonly forms: readonly string[]
  text(text: string): string
  /** The bytes unchanged (same object) when they hold no form; else redacted as UTF-8 text. */
  bytes(bytes: Uint8Array): Uint8Array
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = secretForms(secrets)
  const needles = forms.map((form) => Buffer.from(form))
  const text = (value: string) =>
    forms.reduce(
      (redacted, form) =>
        redacted.includes(form) ? redacted.split(form).join(REDACTED) : redacted,
      value
    )
  return {
    forms,
    text,
    bytes(bytes) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      if (!needles.some((needle) => buffer.includes(needle))) return bytes
      return new TextEncoder().encode(text(buffer.toString('utf8')))
    }
  }
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64')
}
