import { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'
import { isOutcomeUnknown } from '../../adapters/kestra/errors.js'
import type { HistoryApi, KestraApi } from '../../adapters/kestra/api.js'
import { short } from '../../model/commit-marker.js'
import { parseMarker } from '../record/marker.js'
import { readMarkerValue } from '../record/read.js'
import { putBackMarker } from '../record/write.js'
import { canonicalJson } from '../../model/content.js'
import type { WriteDependency } from './order.js'
import {
  ROLLBACK_RECORD_KEY,
  type MarkerRestore,
  type RecordedResource,
  type RestoreItem,
  type RestoreResult,
  type RollbackResult
} from '../../model/after-deploy.js'
import type { KindRestored, RollbackKind } from './kind.js'
import { kindNamed, recordsOf, type MarkerTarget, type RollbackPlan } from './rollback-record.js'

interface RollbackDeps {
  api: KestraApi & HistoryApi
  refs: WriteDependency[]
  concurrency: number
  log: (message: string) => void
  /** The records already in the KV store (a run finishing a stopped rollback); none: written first. */
  recorded?: boolean
  kinds: readonly RollbackKind[]
}

/**
 * Puts back what a deploy changed, as a transaction a re-run can finish (docs/rollback.md): the records
 * first (one that cannot be written stops it before any restore), then each resource in the reverse of the
 * deploy's order while the server holds what the deploy wrote, then the markers once every resource is
 * back; the records go only when nothing is left that a re-run could put back.
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
    ...plan.unrestorable.map((why) => `Rollback: ${why}.`),
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
 * docs/rollback.md#what-is-restored-and-in-which-order: what the deploy deleted, in the registry's order
 * (a file before the flows that read it); then what it wrote, in reverse, each kind's own waves.
 */
function restorePhases(
  items: RestoreItem[],
  refs: WriteDependency[],
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

function deployAction({ resource }: RestoreItem): RestoreResult['did'] {
  return !resource.before ? 'created' : !resource.deployed ? 'deleted' : 'updated'
}

/**
 * A restore whose answer is lost is tried again: its kind reads the server first
 * (docs/rollback.md#writes-whose-answer-was-lost).
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
    const message = `not restored: no rollback of the ${item.resource.kind} kind is registered (src/resources/registry.ts)`
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

interface HeldVersion {
  sha256?: string
  /** How it moved since the deploy, said after "changed on the server after the deploy of …". */
  since?: string
}

/**
 * The restore of a kind that compares versions by hash: already as before needs no write; anything but
 * what the deploy wrote is kept; otherwise a resource the deploy created is removed, and `putBack` writes
 * the previous version and says what it did.
 */
export async function restoreByHash<V extends { sha256: string }>(
  { before, deployed }: { before?: V; deployed?: { sha256: string } },
  held: HeldVersion,
  deployedCommit: string,
  write: { remove: () => Promise<unknown>; putBack: (before: V) => Promise<string> }
): Promise<KindRestored> {
  if (held.sha256 === before?.sha256) {
    return { result: 'restored', message: 'already as it was before the deploy', wrote: false }
  }
  if (held.sha256 !== deployed?.sha256) {
    const commit = short(deployedCommit)
    const message =
      held.sha256 === undefined
        ? `deleted on the server after the deploy of ${commit}`
        : deployed === undefined
          ? `re-created on the server after the deploy of ${commit}`
          : `changed on the server after the deploy of ${commit}${held.since ?? ''}`
    return { result: 'kept', message, wrote: false }
  }
  if (!before) {
    await write.remove()
    return { result: 'restored', message: 'deleted (the deploy created it)', wrote: true }
  }
  return { result: 'restored', message: await write.putBack(before), wrote: true }
}

/** The recorded resource carrying its previous text under `field` of `before`, and the text's size. */
export function embedText<R extends RecordedResource>(
  resource: R,
  previous: RestoreItem['previous'],
  field: string
): { resource: R; size: number } | undefined {
  if (!resource.before || typeof previous !== 'string') return undefined
  return {
    resource: { ...resource, before: { ...resource.before, [field]: previous } },
    size: Buffer.byteLength(previous)
  }
}

/**
 * Each marker the deploy wrote (or may have), put back only after a complete rollback; one that was another
 * tool's value is removed, not restored (docs/rollback.md#writes-whose-answer-was-lost).
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
          await putBackMarker(api, namespace, toward ? (whole ?? { ...toward }) : undefined)
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
  const message = `still names ${short(deployed)}: the rollback is incomplete`
  return { namespace, result: 'kept', message, wrote: false }
}

/** Whether the marker is as before the deploy: its whole value when known, else commit and repository. */
async function markerIsBack(
  { namespace, toward, whole }: MarkerTarget,
  api: KestraApi
): Promise<boolean> {
  const value = await readMarkerValue(api, namespace)
  if (toward && whole !== undefined) return canonicalJson(value) === canonicalJson(whole)
  const now = parseMarker(value)
  return now?.commit === toward?.commit && now?.repository === toward?.repository
}

/** On a failure, removes the records written and says why. */
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
