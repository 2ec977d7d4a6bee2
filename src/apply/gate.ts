import { isWrite, type Plan, type ResourceChange } from '../model/plan.js'
import { fileKey, flowKey } from '../model/keys.js'
import { compareFindings, type Finding } from '../model/finding.js'

export function resourceKey(change: ResourceChange): string {
  return change.kind === 'flow'
    ? flowKey(change.namespace, change.id)
    : fileKey(change.namespace, change.path)
}

/**
 * A finding concerns a resource through its key or through the resource's repository file: these are the
 * names under which each side can be matched (`changeTargets(c)` meets `findingTargets(f)`).
 */
export function changeTargets(change: ResourceChange): string[] {
  const key = `resource ${resourceKey(change)}`
  return change.file === undefined ? [key] : [key, `file ${change.file}`]
}

export function findingTargets(finding: Finding): string[] {
  const file = `file ${finding.file}`
  return finding.resource === undefined ? [file] : [file, `resource ${finding.resource}`]
}

/**
 * docs/guarantees.md#no-write-while-invalid: nothing is written unless every validation error is
 * resolved — a bad file stops the whole deployment, whether or not the plan writes it (a broken file may
 * hide a resource the plan cannot see). Errors of the resources the plan writes are listed first.
 */
export function deployBlockers(plan: Plan, findings: Finding[]): Finding[] {
  const targets = new Set(plan.resources.filter(isWrite).flatMap(changeTargets))
  const written = (f: Finding) => findingTargets(f).some((target) => targets.has(target))
  const errors = findings.filter((f) => f.severity === 'error').sort(compareFindings)
  return [...errors.filter(written), ...errors.filter((f) => !written(f))]
}

/** One line per blocker: `file:line message`. */
export function describeBlockers(blockers: Finding[]): string {
  const lines = blockers.map((f) => `- ${f.file}:${f.line} ${f.message}`)
  const count =
    blockers.length === 1 ? '1 validation error' : `${blockers.length} validation errors`
  return `Nothing was deployed: ${count}. Fix them and push again:\n${lines.join('\n')}`
}
