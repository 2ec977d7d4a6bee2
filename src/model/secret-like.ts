/**
 * Words in a key that name a credential (docs/kv.md#secret-like-keys, docs/namespace-settings.md#secrets): such a key's value is never shown,
 * in any output, whoever wrote it.
 */
const SECRET_WORDS =
  /(pass(word|wd|phrase)?|pwd|secret|token|credentials?|creds|auth|bearer|jwt|cookie|session|private|signature|cert(ificate)?|dsn|(api|access|client|master|signing|encryption|ssh|license|app|private|secret)key)$/

/**
 * Whether a key names a credential: one of its words (split at `.`, `_`, `-` and lower-to-upper case
 * changes) or two neighbouring words joined (`api_key`, `privateKey`) is a credential's name.
 */
export function isSecretLike(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._-]+/)
    .filter(Boolean)
  return words.some((word, i) => {
    const joined = i > 0 ? `${words[i - 1]}${word}` : word
    return SECRET_WORDS.test(word) || SECRET_WORDS.test(joined)
  })
}

export const HIDDEN = '<hidden: secret-like key>'
