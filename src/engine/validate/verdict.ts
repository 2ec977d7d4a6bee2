import type { ChangedFiles } from '../../model/plan-input.js'
import { MISSING_FOLDER, NOTHING_FOUND } from '../../model/repository.js'
import { compareFindings, READ_ONLY_REFUSED, type Finding } from '../../model/finding.js'
import { compareCodeUnits } from '../../model/content.js'

/**
 * docs/validation.md#pull-requests: on a PR, an error in a file the PR did not change is a warning, so old
 * problems never block it. A run that finds nothing at all, or whose inputs name a folder that does not exist, is
 * about the run, not a file: an error on every event (docs/layouts.md#what-a-run-says,
 * docs/layouts.md#a-folder-that-does-not-exist); so is a flow read-only cannot label
 * (docs/environments.md#read-only-flows).
 */
export function demoteUnchangedErrors(findings: Finding[], changed: ChangedFiles): Finding[] {
  if (changed.kind !== 'list') return findings
  return findings.map((finding) =>
    finding.severity === 'error' && outsideChange(finding, changed.paths)
      ? {
          ...finding,
          severity: 'warning',
          message: `${finding.message} (not changed by this pull request, so reported as a warning)`,
          demoted: true
        }
      : finding
  )
}

/**
 * A finding about a file the pull request did not change (nor any file it relates to): demoted when an error, and
 * folded in the comment (docs/comment.md#what-reviewers-see). A finding about the run itself never is.
 */
export function outsideChange(finding: Finding, changed: ReadonlySet<string>): boolean {
  return (
    finding.rule !== NOTHING_FOUND &&
    finding.rule !== MISSING_FOLDER &&
    finding.rule !== READ_ONLY_REFUSED &&
    !changed.has(finding.file) &&
    !finding.related?.some((file) => changed.has(file))
  )
}

/**
 * What a pull request's plan says when it reports errors as warnings: the deploy after its merge counts them, so the
 * plan it shows is not what that deploy does until they are fixed.
 */
export function mergeRefusedNote(findings: readonly Finding[]): string[] {
  const held = findings.filter((finding) => finding.demoted).length
  if (held === 0) return []
  const one = held === 1
  return [
    `The deploy after merging is refused until ${one ? 'it is' : 'they are'} fixed: ${held} error${one ? '' : 's'} in files this pull request does not change ${one ? 'is' : 'are'} reported here as ${one ? 'a warning' : 'warnings'}, and a deploy counts every error.`
  ]
}

export function findingCounts(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return counts
}

/** Deterministic order; the same finding reported twice (e.g. by two checks) appears once. */
/**
 * One finding per fact: the server's warning that a subflow is not found says what the action's own
 * `missing-flow` finding says on the calling line, which stays.
 */
export function oneFindingPerFact(findings: readonly Finding[]): Finding[] {
  const missing = new Set(
    findings.flatMap((f) => {
      const called = f.rule === 'missing-flow' && /\bflow (\S+)\.([^.\s,]+),/.exec(f.message)
      return called ? [`${f.file}\0${called[1]}\0${called[2]}`] : []
    })
  )
  return findings.filter((f) => {
    const found = f.rule === 'server-warning' && SUBFLOW_NOT_FOUND.exec(f.message)
    return !found || !missing.has(`${f.file}\0${found[2]}\0${found[1]}`)
  })
}

/** Kestra's warning for a Subflow whose flow it does not hold (`FlowService.checkValidSubflows`). */
const SUBFLOW_NOT_FOUND = /The subflow '([^']+)' not found in namespace '([^']+)'/

export function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return [...findings].sort(compareFindings).filter((f) => {
    const key = `${f.severity}\0${f.file}\0${f.line}\0${f.column ?? ''}\0${f.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export function failureMessage(
  findings: readonly Finding[],
  failOn: 'error' | 'warning'
): string | undefined {
  const { error, warning } = findingCounts(findings)
  if (error > 0)
    return `Validation found ${error} error(s): fix them (see the annotations and the job summary).`
  if (failOn === 'warning' && warning > 0)
    return `Validation found ${warning} warning(s) and fail-on is 'warning': fix them or set fail-on: error.`
  return undefined
}

/** `Findings by rule: 57 × input-type, 3 × unknown-key`, as linters end; only when a rule repeats. */
export function ruleCounts(findings: readonly Finding[]): string | undefined {
  const counts = new Map<string, number>()
  for (const { rule } of findings) counts.set(rule, (counts.get(rule) ?? 0) + 1)
  if (![...counts.values()].some((count) => count > 1)) return undefined
  const ordered = [...counts].sort(([a, x], [b, y]) => y - x || compareCodeUnits(a, b))
  return `Findings by rule: ${ordered.map(([rule, count]) => `${count} × ${rule}`).join(', ')}`
}
