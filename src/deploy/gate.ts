import type { Plan, ResourceChange } from '../plan/types.js'
import { fileKey, flowKey } from '../identity.js'
import { compareFindings, type Finding } from '../validate/finding.js'

const WRITE_ACTIONS = new Set(['create', 'update', 'delete'])

export function isWrite(change: ResourceChange): boolean {
  return WRITE_ACTIONS.has(change.action)
}

export function resourceKey(change: ResourceChange): string {
  return change.kind === 'flow'
    ? flowKey(change.namespace, change.id)
    : fileKey(change.namespace, change.path)
}

/**
 * SPEC §9: nothing is written unless every validation error is resolved — a bad file stops the whole
 * deployment, whether or not the plan writes it (a broken file may hide a resource the plan cannot see).
 * Errors of the resources the plan writes are listed first.
 */
export function deployBlockers(plan: Plan, findings: Finding[]): Finding[] {
  const writes = plan.resources.filter(isWrite)
  const keys = new Set(writes.map(resourceKey))
  const files = new Set(writes.flatMap((c) => (c.file === undefined ? [] : [c.file])))
  const written = (f: Finding) =>
    (f.resource !== undefined && keys.has(f.resource)) || files.has(f.file)
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
