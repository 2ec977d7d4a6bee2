import { Semaphore } from '../model/concurrency.js'
import { errorMessage } from '../model/errors.js'
import { isOutcomeUnknown } from '../kestra/errors.js'
import type { HistoryApi, KestraApi } from '../kestra/api.js'
import { COMMIT_MARKER_KEY, parseMarker, short, type CommitMarker } from '../model/commit-marker.js'
import { canonicalJson, utf8Length } from '../model/content.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import { resourceName } from '../model/plan.js'
import { newRecord, type RollbackRecord } from './rollback-record.js'
import type { FlowDependency } from './order.js'
import {
  ROLLBACK_RECORD_KEY,
  type MarkerRestore,
  type RecordedResource,
  type RestoreItem,
  type RestoreResult,
  type RollbackResult
} from '../model/after-deploy.js'
import type { KindRestored, RollbackKind } from './kind.js'

interface RollbackDeps {
  api: KestraApi & HistoryApi
  refs: FlowDependency[]
  concurrency: number
  log: (message: string) => void
  /** The records already in the KV store (a run finishing a stopped rollback); none: written first. */
  recorded?: boolean
  /** The registry's rollbacks, in its order: each kind records and restores its own resources. */
  kinds: readonly RollbackKind[]
}

/**
 * Puts back what a deploy changed, as a transaction a re-run can finish (docs/rollback.md):
 * first a record in each namespace of what is being restored and toward which commit; then each resource,
 * in the reverse of the deploy's order (deleted files, deleted flows, written flows callers first, written
 * files), only when the server still holds what the deploy wrote; then, once every resource is back, the
 * deployed-commit markers; then the records go. A record that cannot be written stops the rollback before
 * its first restore. While something a re-run could still put back remains, the records stay.
 */
export async function rollback(plan: RollbackPlan, deps: RollbackDeps): Promise<RollbackResult> {
  if (!deps.recorded) {
    const problem = await writeRecords(plan, deps)
    if (problem) return notStarted(plan, problem)
  }
  const semaphore = new Semaphore(deps.concurrency)
  const resources: RestoreResult[] = []
  for (const phase of restorePhases(plan.items, deps.refs, deps.kinds)) {
    const results = await Promise.all(
      phase.map((item) =>
        semaphore.run(() => restoreItem(item, plan.deployed, deps.api, deps.kinds))
      )
    )
    for (const result of results) {
      deps.log(
        `Rollback of ${result.item.resource.kind} ${result.item.name}: ${result.result}: ${result.message}`
      )
      resources.push(result)
    }
  }
  const complete = resources.every((r) => r.result === 'restored')
  const markers = await settleMarkers(plan.markers, plan.deployed, deps.api, complete)
  for (const marker of markers) {
    deps.log(`Rollback of the deployed-commit marker of ${marker.namespace}: ${marker.message}`)
  }

  const retryable = [...resources, ...markers].some((r) => r.result === 'failed')
  const unrecorded = !deps.recorded && plan.markers.length === 0 && plan.items.length > 0
  const warnings = [
    ...(unrecorded
      ? [
          `Rollback: no managed namespace could hold its record (KV ${ROLLBACK_RECORD_KEY}), so a run stopped during it could not have finished it.`
        ]
      : []),
    ...plan.unrestorable.map(
      (name) => `Rollback: ${name} stays as this deploy wrote it: its kind has no rollback yet.`
    ),
    ...(retryable ? [] : await removeRecords(plan.markers, deps.api))
  ]
  const restored = [...resources, ...markers].filter((r) => r.result === 'restored').length
  const left = resources.length + markers.length + plan.unrestorable.length - restored
  return {
    deployed: plan.deployed,
    resources,
    markers,
    rolledBack: left === 0 ? 'true' : restored > 0 ? 'partial' : 'false',
    resumable: retryable,
    warnings,
    stale: left === 0 && ![...resources, ...markers].some((r) => r.wrote)
  }
}

/**
 * The reverse of the deploy's order (docs/rollback.md#what-is-restored-and-in-which-order): first what the
 * deploy deleted, re-created kind by kind in the registry's order (a namespace file before the flows that
 * read it); then what it wrote, put back kind by kind in the reverse order, each kind's own waves (flows:
 * callers before the flows they call).
 */
function restorePhases(
  items: RestoreItem[],
  refs: FlowDependency[],
  kinds: readonly RollbackKind[]
): RestoreItem[][] {
  const ofKind = (kind: RollbackKind, deleted: boolean) =>
    items.filter(
      (i) => i.resource.kind === kind.name && (i.resource.deployed === undefined) === deleted
    )
  return [
    ...kinds.map((kind) => ofKind(kind, true)),
    ...[...kinds]
      .reverse()
      .flatMap((kind) => kind.waves?.(ofKind(kind, false), refs) ?? [ofKind(kind, false)])
  ].filter((phase) => phase.length > 0)
}

/** What the deploy had done to a recorded resource. */
function deployAction({ resource }: RestoreItem): RestoreResult['did'] {
  return !resource.before ? 'created' : !resource.deployed ? 'deleted' : 'updated'
}

/**
 * Puts one resource back through its kind. A restore whose own answer is lost is settled by its kind
 * reading the server once more (docs/rollback.md#writes-whose-answer-was-lost).
 */
async function restoreItem(
  item: RestoreItem,
  deployed: string,
  api: KestraApi & HistoryApi,
  kinds: readonly RollbackKind[],
  again = true
): Promise<RestoreResult> {
  const did = deployAction(item)
  const kind = kindNamed(kinds, item.resource.kind)
  if (!kind) {
    const message = `not restored: no rollback of the ${item.resource.kind} kind is registered (src/kinds/index.ts)`
    return { item, did, result: 'failed', message, wrote: false }
  }
  try {
    return { item, did, ...(await kind.restore(item, deployed, api)) }
  } catch (error) {
    if (again && isOutcomeUnknown(error)) return restoreItem(item, deployed, api, kinds, false)
    const message = `restore failed: ${errorMessage(error)}`
    return { item, did, result: 'failed', message, wrote: false }
  }
}

/** The version of a resource the server holds now, by hash (undefined: absent). */
interface HeldVersion {
  sha256?: string
  /** How it moved since the deploy, said after "changed on the server after the deploy of …". */
  since?: string
}

/**
 * The restore of a kind that compares versions by hash: already as before is restored with no write;
 * anything but what the deploy wrote is kept, never overwritten; otherwise `putBack` writes the previous
 * version (deletes a resource the deploy created) and says what it did.
 */
export async function restoreByHash(
  versions: { before?: string; deployed?: string },
  held: HeldVersion,
  deployedCommit: string,
  putBack: () => Promise<string>
): Promise<KindRestored> {
  if (held.sha256 === versions.before) {
    return { result: 'restored', message: 'already as it was before the deploy', wrote: false }
  }
  if (held.sha256 !== versions.deployed) {
    const commit = short(deployedCommit)
    const message =
      held.sha256 === undefined
        ? `deleted on the server after the deploy of ${commit}`
        : versions.deployed === undefined
          ? `re-created on the server after the deploy of ${commit}`
          : `changed on the server after the deploy of ${commit}${held.since ?? ''}`
    return { result: 'kept', message, wrote: false }
  }
  return { result: 'restored', message: await putBack(), wrote: true }
}

/**
 * Each marker the deploy wrote (or may have: its write lost its answer), read now: one that already holds
 * its previous value is back, with no write. After a complete rollback the others are put back (a marker that
 * was no marker of ours before, another tool's value, is removed, not restored); after an incomplete one they
 * keep naming the deployed commit (docs/rollback.md#writes-whose-answer-was-lost).
 */
async function settleMarkers(
  targets: MarkerTarget[],
  deployed: string,
  api: KestraApi,
  complete: boolean
): Promise<MarkerRestore[]> {
  return Promise.all(
    targets
      .filter((target) => target.written)
      .map(async (target): Promise<MarkerRestore> => {
        const { namespace, toward, whole } = target
        const back = !toward
          ? 'deployed-commit marker removed (there was none before)'
          : whole !== undefined
            ? `deployed-commit marker put back to ${short(toward.commit)}, exactly as it was`
            : `deployed-commit marker put back to ${short(toward.commit)}, its commit and repository only: the rollback record could not hold its stored checks and content facts, so the next plan checks and reads every file`
        try {
          if (await markerIsBack(target, api)) {
            return { namespace, result: 'restored', message: `${back} (already)`, wrote: false }
          }
          if (!complete) return keptMarker(target, deployed)
          if (toward) await api.putKv(namespace, COMMIT_MARKER_KEY, whole ?? { ...toward })
          else await api.deleteKv(namespace, COMMIT_MARKER_KEY)
          return { namespace, result: 'restored', message: back, wrote: true }
        } catch (error) {
          if (!complete) return keptMarker(target, deployed)
          // A put-back whose answer was lost: the server says whether it went through.
          if (isOutcomeUnknown(error) && (await markerIsBack(target, api).catch(() => false))) {
            return { namespace, result: 'restored', message: back, wrote: true }
          }
          const message = `still names ${short(deployed)}: it could not be put back: ${errorMessage(error)}`
          return { namespace, result: 'failed', message, wrote: false }
        }
      })
  )
}

function keptMarker({ namespace }: MarkerTarget, deployed: string): MarkerRestore {
  return {
    namespace,
    result: 'kept',
    message: `still names ${short(deployed)}: the rollback is incomplete`,
    wrote: false
  }
}

/**
 * Whether the namespace's marker, read now, holds its value from before the deploy: the whole value when it is
 * known, else its commit and repository.
 */
async function markerIsBack(
  { namespace, toward, whole }: MarkerTarget,
  api: KestraApi
): Promise<boolean> {
  const value = await api.getKv(namespace, COMMIT_MARKER_KEY)
  if (toward && whole !== undefined) return canonicalJson(value) === canonicalJson(whole)
  const now = parseMarker(value)
  return now?.commit === toward?.commit && now?.repository === toward?.repository
}

/** Writes every namespace's record; on a failure, removes those written and says why. */
async function writeRecords(plan: RollbackPlan, deps: RollbackDeps): Promise<string | undefined> {
  let records
  try {
    records = await recordsOf(plan, deps.api, deps.kinds)
  } catch (error) {
    return `its record could not be prepared: ${errorMessage(error)}`
  }
  const written: string[] = []
  for (const [namespace, record] of records) {
    try {
      await deps.api.putKv(namespace, ROLLBACK_RECORD_KEY, record)
      written.push(namespace)
    } catch (error) {
      // A record whose write lost its answer may be stored: it goes with the others.
      const maybe = isOutcomeUnknown(error) ? [...written, namespace] : written
      await Promise.all(
        maybe.map((ns) => deps.api.deleteKv(ns, ROLLBACK_RECORD_KEY).catch(() => undefined))
      )
      return `its progress could not be recorded in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`
    }
  }
  return undefined
}

async function removeRecords(targets: MarkerTarget[], api: KestraApi): Promise<string[]> {
  const problems = await Promise.all(
    targets.map(({ namespace }) =>
      api.deleteKv(namespace, ROLLBACK_RECORD_KEY).then(
        () => undefined,
        (error: unknown) =>
          `The finished rollback's record in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}) could not be removed: ${errorMessage(error)}; the next deploy finds nothing left to restore and removes it.`
      )
    )
  )
  return problems.filter((p): p is string => p !== undefined)
}

/** Nothing was restored: every resource and marker stays at the deployed version, for `why`. */
function notStarted(plan: RollbackPlan, why: string): RollbackResult {
  const message = `not restored: the rollback did not start, as ${why}`
  return {
    deployed: plan.deployed,
    resources: plan.items.map((item) => ({
      item,
      did: deployAction(item),
      result: 'failed',
      message,
      wrote: false
    })),
    markers: plan.markers.filter((m) => m.written).map((m) => keptMarker(m, plan.deployed)),
    rolledBack: 'false',
    resumable: false,
    warnings: [],
    stale: false
  }
}

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
interface MarkerTarget {
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
    const { repository, deployed } = record
    const plan = plans.get(key) ?? {
      repository,
      deployed,
      items: [],
      markers: [],
      unrestorable: []
    }
    plans.set(key, plan)
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

function kindNamed(kinds: readonly RollbackKind[], name: string): RollbackKind | undefined {
  return kinds.find((kind) => kind.name === name)
}
