import type { HistoryApi } from '../kestra/api.js'
import type { CommitMarker } from '../model/commit-marker.js'
import { utf8Length } from '../model/content.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import { resourceName } from '../model/plan.js'
import { newRecord, type RollbackRecord } from './rollback-record.js'
import type { RecordedResource, RestoreItem } from '../model/after-deploy.js'
import type { RollbackKind } from './kind.js'

/**
 * Bytes of previous versions a record may carry (raw, before base64): KV values travel as one request
 * body, which proxies commonly cap at 1 MiB. A file over the budget is restored by this run from memory,
 * but a run that finishes an interrupted rollback can only name it.
 */
export const RECORDED_BYTES_BUDGET = 256 * 1024

/**
 * Bytes of the previous commit marker a record carries whole (its stored checks and content facts, up to
 * 896 KiB, may not fit): with the previous versions' budget, the record stays within a proxy's 1 MiB.
 */
const RECORDED_MARKER_BYTES = 512 * 1024

/** What one namespace's marker goes back to, and whether the deploy wrote it. */
export interface MarkerTarget {
  namespace: string
  toward: CommitMarker | null
  /**
   * The marker's whole value before the deploy, as the server gave it (its stored checks and content facts
   * with it): put back exactly. Undefined when only `toward` is known (a record that could not hold it).
   */
  whole?: unknown
  written: boolean
}

/** Everything one rollback puts back: a deploy's changes, or what a stopped run's records name. */
export interface RollbackPlan {
  repository: string
  /** The commit whose deploy is undone. */
  deployed: string
  items: RestoreItem[]
  markers: MarkerTarget[]
  /**
   * What the deploy wrote that no rollback can put back (a kind with no rollback, docs/kinds.md), as
   * `kind name`: the rollback says so and is at most partial.
   */
  unrestorable: string[]
}

/**
 * What this run's deploy changed, as its plan read it before writing: each resource it wrote, and each whose
 * write lost its answer, which the server may hold at either version (the rollback reads it,
 * docs/rollback.md#writes-whose-answer-was-lost). Likewise the markers.
 */
export function planFromDeploy(
  result: DeployResult,
  deployed: { commit: string; repository: string },
  kinds: readonly RollbackKind[]
): RollbackPlan {
  const items: RestoreItem[] = []
  const unrestorable: string[] = []
  for (const written of result.resources) {
    const { change, result: did, outcomeUnknown } = written
    if (!WRITTEN.has(did) && !(did === 'failed' && outcomeUnknown)) continue
    const kind = kindNamed(kinds, change.kind)
    if (!kind) {
      unrestorable.push(`${change.kind} ${resourceName(change)}`)
      continue
    }
    const { resource, previous } = kind.recordOf(change, written)
    const { namespace } = change
    items.push({ namespace, name: kind.nameOf(resource, namespace), resource, previous })
  }
  const marked = [...result.markedNamespaces, ...(result.markersUnknown ?? [])]
  const namespaces = [...new Set([...items.map((i) => i.namespace), ...marked])].filter(
    (namespace) => namespace !== ''
  )
  return {
    ...deployed,
    deployed: deployed.commit,
    items,
    unrestorable,
    markers: namespaces.sort().map((namespace) => {
      const toward = result.markersBefore?.get(namespace) ?? null
      const whole = toward ? result.markersHeld?.get(namespace) : undefined
      return {
        namespace,
        toward,
        ...(whole !== undefined && { whole }),
        written: marked.includes(namespace)
      }
    })
  }
}

/** The rollbacks that stopped runs recorded, one per deployed commit. */
export function plansFromRecords(
  records: ReadonlyMap<string, RollbackRecord>,
  kinds: readonly RollbackKind[]
): RollbackPlan[] {
  const plans = new Map<string, RollbackPlan>()
  for (const [namespace, record] of records) {
    const key = `${record.repository}@${record.deployed}`
    let plan = plans.get(key)
    if (!plan) {
      plan = {
        repository: record.repository,
        deployed: record.deployed,
        items: [],
        markers: [],
        unrestorable: []
      }
      plans.set(key, plan)
    }
    plan.items.push(
      ...record.resources.map((resource) => {
        const kind = kindNamed(kinds, resource.kind)
        const at = kind?.tenantWide ? '' : namespace
        return { namespace: at, name: kind?.nameOf(resource, at) ?? resource.kind, resource }
      })
    )
    plan.markers.push({
      namespace,
      toward: record.toward,
      ...(record.towardWhole !== undefined && { whole: record.towardWhole }),
      written: record.markerWritten
    })
  }
  return [...plans.values()]
}

/**
 * The record of each namespace: where each previous version is, as its kind locates it (a flow's revision,
 * a file's revision on servers that keep them), or the previous content itself within the budget.
 * Tenant-wide resources go into the first namespace's record.
 */
export async function recordsOf(
  plan: RollbackPlan,
  history: HistoryApi,
  kinds: readonly RollbackKind[]
): Promise<Map<string, RollbackRecord>> {
  let budget = RECORDED_BYTES_BUDGET
  const located = await Promise.all(
    plan.items.map(
      (item) => kindNamed(kinds, item.resource.kind)?.locate?.(item, history) ?? item.resource
    )
  )
  const records = new Map<string, RollbackRecord>()
  const holder = plan.markers[0]?.namespace
  for (const { namespace, toward, whole, written } of plan.markers) {
    const resources = located.flatMap((resource, i): RecordedResource[] => {
      const item = plan.items[i]!
      const kind = kindNamed(kinds, resource.kind)
      if (kind?.tenantWide ? namespace !== holder : item.namespace !== namespace) return []
      const embedded = kind?.embed?.(resource, item.previous)
      if (!embedded || embedded.size > budget) return [resource]
      budget -= embedded.size
      return [embedded.resource]
    })
    const fields = {
      repository: plan.repository,
      deployed: plan.deployed,
      toward,
      // The whole marker when it fits beside the previous versions: a run that finishes the rollback then
      // puts it back exactly too; a larger one goes back as its commit and repository, and the log says so.
      ...(whole !== undefined &&
        utf8Length(JSON.stringify(whole)) <= RECORDED_MARKER_BYTES && { towardWhole: whole }),
      markerWritten: written
    }
    records.set(namespace, newRecord({ ...fields, resources }))
  }
  return records
}

/** The registered rollback of a kind, by name. */
export function kindNamed(kinds: readonly RollbackKind[], name: string): RollbackKind | undefined {
  return kinds.find((kind) => kind.name === name)
}
