import type { Credentials } from './credentials.js'
import { hiddenCharacters, MIN_REDACTED_CHARACTERS } from './redactor.js'

/** Shorter credentials are weak: easy to guess, and likely to turn up in ordinary text. */
const STRONG_CREDENTIAL_CHARACTERS = 8

/**
 * The one warning about weak credentials (docs/security.md): short, or part of a name the run shows as it
 * is. It names the inputs, not which reason applies to which, and never the value. Undefined when none is.
 */
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
