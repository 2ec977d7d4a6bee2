import { SYSTEM_NAMESPACE } from '../model/namespaces.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import { resourceName, type Plan } from '../model/plan.js'

/**
 * Why the plan's deletions must not run, one message per problem; empty when they may.
 * Checked before the first write: a refusal stops the whole deploy.
 */
export function deletionRefusals(
  plan: Plan,
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces'>,
  target: Pick<Target, 'delete' | 'allowMassDeletion'>,
  managedNamespaces: string[]
): string[] {
  const deletions = plan.resources.filter((c) => c.action === 'delete')
  if (deletions.length === 0) return []
  const refusals: string[] = []
  const names = (list: typeof deletions) => list.map(resourceName).join(', ')

  if (!target.delete) {
    refusals.push(
      `The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`
    )
  }

  const managed = new Set(managedNamespaces)
  // A tenant-wide resource's kind decides itself when the repository owns it (docs/kinds.md).
  const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace))
  if (unmanaged.length > 0) {
    refusals.push(
      `Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`
    )
  }

  const system = deletions.filter(
    (c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE)
  )
  if (system.length > 0) {
    refusals.push(
      `Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`
    )
  }

  if (deletions.length > settings.maxDeletions && !target.allowMassDeletion) {
    refusals.push(
      `The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`
    )
  }
  return refusals
}

function count(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`
}
