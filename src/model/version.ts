import type { Finding, Severity } from './finding.js'

/**
 * The releases whose flow schema this build carries (generated/flow-validators/, as a unit test holds), as
 * their lines (`1.3`, `2.0`) name them to the user: `kestra-version` takes one of these lines or a patch version of
 * one (docs/validation-rules.md#the-schema-of-each-release).
 */
export const SCHEMA_RELEASE_VERSIONS = ['1.3.31', '2.0.0'] as const

/** The release lines of `SCHEMA_RELEASE_VERSIONS`: `1.3`, `2.0`. */
export const SCHEMA_LINES = SCHEMA_RELEASE_VERSIONS.map((version) =>
  version.split('.').slice(0, 2).join('.')
)

/** `[major, minor, patch]` of the target Kestra server, as `parseVersion` below reads it. */
export type KestraVersion = readonly [number, number, number]

/**
 * A finding whose severity depends on the server: an error at or after `since`, a warning before, `whenUnknown`
 * when no version was detected (each rule says why in docs/validation-rules.md).
 */
export interface VersionedFinding {
  finding: Omit<Finding, 'severity'>
  since: KestraVersion
  whenUnknown: Severity
  /** Nothing on an older server: the release removed what the older ones accept without a deprecation. */
  silentBefore?: true
  /** The release from which Kestra accepts it again: a warning on a server at or after it. */
  until?: KestraVersion
  /** The release from which Kestra accepts it again, with nothing to say about it there. */
  silentFrom?: KestraVersion
}

/** `[major, minor, patch]` of a Kestra version such as `0.20.7` or `1.3.0-SNAPSHOT`; undefined when unreadable. */
export function parseVersion(version: unknown): [number, number, number] | undefined {
  if (typeof version !== 'string') return undefined
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim().replace(/-SNAPSHOT$/i, ''))
  if (!match) return undefined
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
}

export function atLeast(version: KestraVersion, since: KestraVersion): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== since[i]) return (version[i] ?? 0) > (since[i] ?? 0)
  }
  return true
}

export function resolveVersioned(
  versioned: VersionedFinding[],
  version: KestraVersion | undefined
): Finding[] {
  return versioned.flatMap(({ finding, since, whenUnknown, silentBefore, until, silentFrom }) => {
    if (version === undefined) return [{ ...finding, severity: whenUnknown }]
    if (silentFrom && atLeast(version, silentFrom)) return []
    if (until && atLeast(version, until)) return [{ ...finding, severity: 'warning' }]
    if (atLeast(version, since)) return [{ ...finding, severity: 'error' }]
    return silentBefore ? [] : [{ ...finding, severity: 'warning' }]
  })
}
