import { sha256Hex } from '../model/content.js'
import type { HistoryApi } from '../kestra/api.js'
import { comparableFlowSource } from '../model/normalise.js'
import type { CommitMarker } from '../model/commit-marker.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import { resourceName } from '../model/plan.js'
import { newRecord, type RollbackRecord } from './rollback-record.js'
import type { RecordedResource } from '../model/after-deploy.js'
import type { FileVersion } from '../model/after-deploy.js'
import type { RestoreItem } from '../model/after-deploy.js'
import type { ApplyKind } from './kind.js'

/**
 * Bytes of previous file versions a record may carry (raw, before base64): KV values travel as one request
 * body, which proxies commonly cap at 1 MiB. A file over the budget is restored by this run from memory,
 * but a run that finishes an interrupted rollback can only name it.
 */
export const RECORDED_BYTES_BUDGET = 256 * 1024
/** Revisions read (newest first) to find the one that holds a file's previous bytes. */
const REVISIONS_SEARCHED = 3

/** What one namespace's marker goes back to, and whether the deploy wrote it. */
export interface MarkerTarget {
  namespace: string
  toward: CommitMarker | null
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

export function flowHash(source: string): string {
  return sha256Hex(comparableFlowSource(source))
}

/**
 * What this run's deploy changed, as its plan read it before writing: each resource it wrote, and each whose
 * write lost its answer, which the server may hold at either version (the rollback reads it,
 * docs/rollback.md#writes-whose-answer-was-lost). Likewise the markers.
 */
export function planFromDeploy(
  result: DeployResult,
  deployed: { commit: string; repository: string },
  kinds: readonly ApplyKind[]
): RollbackPlan {
  const items: RestoreItem[] = []
  const unrestorable: string[] = []
  for (const { change, result: did, revision, outcomeUnknown } of result.resources) {
    if (!WRITTEN.has(did) && !(did === 'failed' && outcomeUnknown)) continue
    const deleted = did === 'deleted' || change.action === 'delete'
    if (change.kind !== 'flow' && change.kind !== 'file') {
      const kind = kinds.find((candidate) => candidate.name === change.kind)
      if (change.namespace !== '' || !kind?.recordOf) {
        unrestorable.push(`${change.kind} ${resourceName(change)}`)
        continue
      }
      const record = kind.recordOf(change)
      const resource = { kind: 'tenant-wide' as const, of: change.kind, ...record }
      items.push({ namespace: '', resource, previous: record.before?.text })
      continue
    }
    const { namespace } = change
    if (change.kind === 'flow') {
      const before = change.current && {
        revision: change.current.revision,
        sha256: flowHash(change.current.source)
      }
      const after = deleted
        ? undefined
        : { revision: revision ?? 0, sha256: flowHash(change.desired ?? '') }
      const resource = { kind: 'flow' as const, id: change.id, before, deployed: after }
      items.push({ namespace, resource, previous: change.current?.source })
    } else {
      const before = change.current && { sha256: change.current.sha256, size: change.current.size }
      const after = deleted ? undefined : change.desired && { sha256: change.desired.sha256 }
      const resource = { kind: 'file' as const, path: change.path, before, deployed: after }
      items.push({ namespace, resource, previous: change.previous })
    }
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
    markers: namespaces.sort().map((namespace) => ({
      namespace,
      toward: result.markersBefore?.get(namespace) ?? null,
      written: marked.includes(namespace)
    }))
  }
}

/** The rollbacks that stopped runs recorded, one per deployed commit. */
export function plansFromRecords(records: ReadonlyMap<string, RollbackRecord>): RollbackPlan[] {
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
      ...record.resources.map((resource) => ({
        namespace: resource.kind === 'tenant-wide' ? '' : namespace,
        resource
      }))
    )
    plan.markers.push({ namespace, toward: record.toward, written: record.markerWritten })
  }
  return [...plans.values()]
}

/**
 * The record of each namespace: where each previous version is. A flow's is the revision the plan read
 * (Kestra keeps flow revisions). A file's is the revision holding its bytes when the server keeps file
 * revisions (1.2+) and one still holds them; otherwise the bytes themselves, within the budget. Tenant-wide
 * resources go into the first namespace's record, their previous text within the same budget.
 */
export async function recordsOf(
  plan: RollbackPlan,
  history: HistoryApi
): Promise<Map<string, RollbackRecord>> {
  let budget = RECORDED_BYTES_BUDGET
  const located = await Promise.all(plan.items.map((item) => locatePrevious(item, history)))
  const records = new Map<string, RollbackRecord>()
  const holder = plan.markers[0]?.namespace
  for (const { namespace, toward, written } of plan.markers) {
    const resources = located.flatMap((resource, i): RecordedResource[] => {
      const item = plan.items[i]!
      if (resource.kind === 'tenant-wide') {
        if (namespace !== holder) return []
        const text = resource.before?.text
        if (text === undefined) return [resource]
        const size = Buffer.byteLength(text)
        if (size <= budget) {
          budget -= size
          return [resource]
        }
        return [{ ...resource, before: { hashes: resource.before!.hashes } }]
      }
      if (item.namespace !== namespace) return []
      if (resource.kind !== 'file' || !resource.before || resource.before.revision !== undefined) {
        return [resource]
      }
      const bytes = item.previous as Uint8Array | undefined
      if (!bytes || bytes.length > budget) return [resource]
      budget -= bytes.length
      return [
        {
          ...resource,
          before: { ...resource.before, bytes: Buffer.from(bytes).toString('base64') }
        }
      ]
    })
    const fields = {
      repository: plan.repository,
      deployed: plan.deployed,
      toward,
      markerWritten: written
    }
    records.set(namespace, newRecord({ ...fields, resources }))
  }
  return records
}

/**
 * A file's record with the revision that still holds its previous bytes, when the server keeps one (a file
 * the deploy deleted has none to read: its bytes go in the record). A failed read only means the bytes.
 */
async function locatePrevious(item: RestoreItem, history: HistoryApi): Promise<RecordedResource> {
  const { resource, namespace } = item
  if (resource.kind !== 'file' || !resource.before || !resource.deployed) return resource
  const none = () => undefined
  const revisions = await history.fileRevisions(namespace, resource.path).catch(none)
  const newest = [...(revisions ?? [])].sort((a, b) => b - a).slice(0, REVISIONS_SEARCHED)
  for (const revision of newest) {
    const bytes = await history.fileRevision(namespace, resource.path, revision).catch(none)
    if (bytes && sha256Hex(bytes) === resource.before.sha256) {
      return { ...resource, before: { ...resource.before, revision } satisfies FileVersion }
    }
  }
  return resource
}
