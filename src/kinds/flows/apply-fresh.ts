import type { KestraApi } from '../../kestra/api.js'
import { comparableFlowSource } from '../../model/normalise.js'
import { resourceName, type FlowChange } from '../../model/plan.js'
import type { DeployContext, Verdict } from '../../apply/kind.js'

/**
 * What the server holds of a flow right before its write (docs/guarantees.md#compare-before-write): one
 * listing of the namespace's revisions, shared by the writes that asked for it before it was sent (never
 * by a write that asked later, so no write trusts a read older than itself); a flow whose revision moved
 * is read whole to tell "already desired" from a conflict.
 */
export async function freshFlow(
  change: FlowChange,
  api: KestraApi,
  deploy: DeployContext
): Promise<Verdict> {
  const listing = () => api.flowRevisions(change.namespace)
  const revision = (await deploy.shared(`revisions ${change.namespace}`, listing)).get(change.id)
  const seen = change.action === 'create' ? undefined : change.current?.revision
  if (revision === seen) return { kind: 'as-planned' }
  const name = `flow ${resourceName(change)}`
  if (change.action === 'delete') {
    return revision === undefined
      ? { kind: 'desired' }
      : {
          kind: 'moved',
          message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
        }
  }
  const stored = revision === undefined ? undefined : await api.getFlow(change.namespace, change.id)
  if (stored && change.desired !== undefined && isSameFlow(stored.source, change.desired)) {
    return { kind: 'desired', revision: stored.revision }
  }
  if (seen === undefined) {
    return {
      kind: 'moved',
      message: `${name} appeared on the server (revision ${revision}) after the plan`
    }
  }
  if (revision === undefined) {
    return {
      kind: 'moved',
      message: `${name} was deleted on the server after the plan (it was at revision ${seen})`
    }
  }
  return {
    kind: 'moved',
    message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
  }
}

/**
 * Kestra's own equality (docs/kestra.md#unchanged-source): a server copy equal to ours is what this
 * deploy wants.
 */
function isSameFlow(stored: string, desired: string): boolean {
  return comparableFlowSource(stored) === comparableFlowSource(desired)
}
