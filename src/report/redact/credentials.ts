import { base64Whole } from './text-encodings.js'

/** What no output may show: every secret the run was given (docs/security.md). */
export interface Credentials {
  secrets: readonly { input: string; value: string }[]
  /** The Basic pair, whose `user:password` base64 value is a credential of its own. */
  basic?: { username: string; password: string }
}

/** The credentials among raw inputs; Basic counts even when an api-token wins (a plan file once showed it). */
export function credentialsFrom(
  secrets: readonly [input: string, value: string | undefined][],
  basic?: { username?: string; password?: string }
): Credentials {
  const given = secrets.flatMap(([input, value]) => (value ? [{ input, value }] : []))
  return {
    secrets: given,
    ...(basic?.password && { basic: { username: basic.username ?? '', password: basic.password } })
  }
}

/**
 * What the runner masks in its log (`::add-mask::`): each secret and the Basic value; other forms are the
 * redactor's. Values under 4 characters are not masked: the runner would hide every such string.
 */
export function maskedValues(credentials: Credentials): string[] {
  const basic = credentials.basic
    ? base64Whole(`${credentials.basic.username}:${credentials.basic.password}`)
    : []
  const values = [...credentials.secrets.map((secret) => secret.value), ...basic]
  return [...new Set(values)].filter((value) => value.length >= 4)
}
