import type { Finding } from '../../model/finding.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'

/**
 * Rules whose check Kestra added in a release, with no other change to what it accepts: an error on a
 * server at or after it and when no server is known, a warning on an older one (the releases and their
 * sources are in docs/validation-rules.md). `duplicate-trigger-id`: FlowValidator 0.12;
 * `schedule-timezone`: `TimezoneIdValidator` 0.14; `system-label`: 0.20; `dashed-reference`: 0.23;
 * `duplicate-preconditions`: 1.1 (the first releases whose core jar holds the check).
 */
const ERROR_SINCE: Readonly<Record<string, KestraVersion>> = {
  'duplicate-trigger-id': [0, 12, 0],
  'schedule-timezone': [0, 14, 0],
  'system-label': [0, 20, 0],
  'dashed-reference': [0, 23, 0],
  'duplicate-preconditions': [1, 1, 0]
}

/** The errors of rules Kestra added in a release, turned into findings that follow the server's version. */
export function byRelease(findings: Finding[]): {
  fixed: Finding[]
  versioned: VersionedFinding[]
} {
  const fixed: Finding[] = []
  const versioned: VersionedFinding[] = []
  for (const finding of findings) {
    const since = finding.severity === 'error' ? ERROR_SINCE[finding.rule] : undefined
    if (!since) {
      fixed.push(finding)
      continue
    }
    const { severity: _, ...rest } = finding
    versioned.push({ finding: rest, since, whenUnknown: 'error' })
  }
  return { fixed, versioned }
}
