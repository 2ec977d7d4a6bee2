import type { BaseSnapshot } from '../../model/plan-input.js'
import type { OutsideGit, PlanAction } from '../../model/plan.js'

/** Whether the base speaks for a namespace: one base commit for all, a deployed commit for its own. */
function baseCovers(base: BaseSnapshot | undefined, namespace: string): boolean {
  if (base === undefined) return false
  return base.deployed === undefined || base.deployed.commits.has(namespace)
}

/**
 * What was done outside Git (docs/drift.md#the-uis-work-named), from what the base commit held and what the server
 * holds now: `atBase` is undefined when the base lacked the resource, else whether the server's copy differs from
 * the base's. A resource the base held and the server lacks was deleted outside Git (the plan creates it); one the
 * server holds and the base lacked was created outside Git. A base read through GitHub's API holds only the files
 * the plan changes: there, absence proves nothing but for an update (its file was read).
 */
export function outsideGitOf(
  action: PlanAction,
  namespace: string,
  base: BaseSnapshot | undefined,
  atBase: { differs: boolean } | undefined
): OutsideGit | undefined {
  if (action === 'unchanged' || !baseCovers(base, namespace)) return undefined
  if (action === 'create') return atBase ? 'deleted' : undefined
  if (atBase === undefined) return base?.partial && action !== 'update' ? undefined : 'created'
  return atBase.differs ? 'edited' : undefined
}
