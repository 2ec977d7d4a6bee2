import { isWrite, resourceName, type Plan } from '../../model/plan.js'
import type { Settings } from '../../model/settings.js'
import type { Target } from '../../model/target.js'
import { compareFindings, type Finding } from '../../model/finding.js'
import { changeTargets, findingTargets } from '../../model/targets.js'
import { SYSTEM_NAMESPACE } from '../../model/namespaces.js'
import { short, type CommitMarker, type RecordedMarkers } from '../../model/commit-marker.js'
import type { IsAncestor } from '../../adapters/git/ancestry.js'

/**
 * docs/guarantees.md#no-write-while-invalid: any error blocks, written or not (a broken file may hide a
 * resource the plan cannot see); errors of the resources the plan writes are listed first.
 */
export function deployBlockers(plan: Plan, findings: Finding[]): Finding[] {
  const targets = new Set(plan.resources.filter(isWrite).flatMap(changeTargets))
  const written = (f: Finding) => findingTargets(f).some((target) => targets.has(target))
  const errors = findings.filter((f) => f.severity === 'error').sort(compareFindings)
  return [...errors.filter(written), ...errors.filter((f) => !written(f))]
}

export function describeBlockers(blockers: Finding[]): string {
  const lines = blockers.map((f) => `- ${f.file}:${f.line} ${f.message}`)
  const count =
    blockers.length === 1 ? '1 validation error' : `${blockers.length} validation errors`
  return `Nothing was deployed: ${count}. Fix them and push again:\n${lines.join('\n')}`
}

/** Why the plan's deletions must not run, one message per problem: a refusal stops the whole deploy. */
export function deletionRefusals(
  plan: Plan,
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces'>,
  target: Pick<Target, 'delete' | 'allowMassDeletion'>,
  managedNamespaces: string[]
): string[] {
  const deletions = plan.resources.filter((c) => c.action === 'delete')
  if (deletions.length === 0) return []
  const names = (list: typeof deletions) => list.map(resourceName).join(', ')
  // Managed: listed, or holding a resource the repository declares, of any kind (a kv file alone counts).
  const declared = plan.resources.filter((c) => c.action !== 'delete' && c.action !== 'orphaned')
  const managed = new Set([...managedNamespaces, ...declared.map((c) => c.namespace)])
  // A tenant-wide resource's kind decides itself when the repository owns it (docs/kinds.md).
  const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace))
  const system = deletions.filter(
    (c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE)
  )
  return [
    !target.delete &&
      `The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`,
    unmanaged.length > 0 &&
      `Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`,
    system.length > 0 &&
      `Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`,
    deletions.length > settings.maxDeletions &&
      !target.allowMassDeletion &&
      `The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`
  ].filter((refusal) => refusal !== false)
}

function count(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`
}

/** Whether `ours` is an ancestor of the commit some namespace already holds. */
export async function checkCommitOrder(
  markers: RecordedMarkers,
  ours: CommitMarker,
  isAncestor: IsAncestor
): Promise<{ older: string[]; warnings: string[] }> {
  const older: string[] = []
  const warnings: string[] = []
  // Namespaces usually hold the same commit: ask git once per commit, not once per namespace.
  const ancestry = new Map<string, Promise<boolean | undefined>>()
  const isOlderThan = (commit: string) => {
    let answer = ancestry.get(commit)
    if (!answer) ancestry.set(commit, (answer = isAncestor(ours.commit, commit)))
    return answer
  }
  for (const [namespace, recorded] of [...markers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (recorded === undefined || recorded.commit === ours.commit) continue
    if (recorded.repository !== ours.repository) {
      warnings.push(
        `Namespace ${namespace} was last deployed from ${recorded.repository} (commit ${short(recorded.commit)}); this deploy from ${ours.repository} overwrites what it holds.`
      )
      continue
    }
    const ancestor = await isOlderThan(recorded.commit)
    if (ancestor === true) {
      older.push(
        `commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace}; to roll back, push a revert commit.`
      )
    } else if (ancestor === undefined) {
      warnings.push(
        `Cannot tell whether commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace} (that commit is not in the checkout; use actions/checkout with fetch-depth: 0); deploying anyway.`
      )
    }
  }
  return { older, warnings }
}
