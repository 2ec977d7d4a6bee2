import { isWrite, type Plan } from '../model/plan.js'
import { compareFindings, type Finding } from '../model/finding.js'
import { changeTargets, findingTargets } from '../model/targets.js'

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
