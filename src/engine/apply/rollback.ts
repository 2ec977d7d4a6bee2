import { z } from 'zod'
import { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'
import { isOutcomeUnknown } from '../../adapters/kestra/errors.js'
import type { HistoryApi, KestraApi } from '../../adapters/kestra/api.js'
import {
  COMMIT_MARKER_KEY,
  commitMarker,
  parseMarker,
  readStored,
  short,
  storedObject,
  type CommitMarker
} from '../../model/commit-marker.js'
import { canonicalJson, utf8Length } from '../../model/content.js'
import { WRITTEN, type DeployResult } from '../../model/result.js'
import { resourceName } from '../../model/plan.js'
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
  const message = `still names ${short(deployed)}: the rollback is incomplete`
  return { namespace, result: 'kept', message, wrote: false }
}

/** Whether the marker is as before the deploy: its whole value when known, else commit and repository. */
async function markerIsBack(
  { namespace, toward, whole }: MarkerTarget,
  api: KestraApi
): Promise<boolean> {
  const value = await api.getKv(namespace, COMMIT_MARKER_KEY)
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

/**
 * Raw bytes of previous versions a record may carry: a KV value travels as one request body, which proxies
 * commonly cap at 1 MiB. Over it, only this run (from memory) can restore a file; a later run names it.
 */
export const RECORDED_BYTES_BUDGET = 256 * 1024

/**
 * Bytes of the previous commit marker a record carries whole (its stored checks and content facts, up to
 * 896 KiB, may not fit): with the previous versions' budget, the record stays within a proxy's 1 MiB.
 */
const RECORDED_MARKER_BYTES = 512 * 1024

interface MarkerTarget {
  namespace: string
  toward: CommitMarker | null
  /** The marker's whole value before the deploy, put back exactly; undefined when the record could not hold it. */
  whole?: unknown
  written: boolean
}

/** Everything one rollback puts back: a deploy's changes, or what a stopped run's records name. */
export interface RollbackPlan {
  repository: string
  deployed: string
  items: RestoreItem[]
  markers: MarkerTarget[]
  /** `kind name` of what a kind with no rollback wrote (docs/kinds.md): the rollback is at most partial. */
  unrestorable: string[]
}

/**
 * What this run's deploy changed, as its plan read it: each resource and marker written, or whose write
 * lost its answer (the server may hold either version, docs/rollback.md#writes-whose-answer-was-lost).
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
 * Each namespace's record: where each previous version is (a revision, as its kind locates it), or the
 * content itself within the budget. Tenant-wide resources go into the first namespace's record.
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
      // A larger marker goes back as its commit and repository only, and the log says so.
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

/** The record's version (docs/rollback.md#the-record): another is refused by name, never read. */
const FORMAT = 'kestra-gitops-rollback/1'

export const sha256Field = z.string().regex(/^[0-9a-f]{64}$/)

/**
 * A kind's resource as a rollback records it (docs/rollback.md#the-record): its `fields` besides the two
 * versions, `before` absent when the deploy created it, `deployed` absent when it deleted it.
 */
export function recordedSchema<
  K extends string,
  F extends z.ZodRawShape,
  V extends z.ZodType,
  D extends z.ZodType = V
>(kind: K, fields: F, before: V, deployed?: D) {
  return z.object({
    kind: z.literal(kind),
    ...fields,
    before: before.optional(),
    deployed: (deployed ?? before).optional() as z.ZodOptional<D>
  })
}

/** One namespace's rollback in progress; each resource is its kind's to read (`RollbackKind.parse`). */
const rollbackRecord = z.object({
  format: z.literal(FORMAT),
  repository: z.string(),
  deployed: z.string(),
  /** The commit the namespace goes back to: its marker before the deploy (null: it had none). */
  toward: commitMarker.nullable(),
  towardWhole: z.unknown().optional(),
  markerWritten: z.boolean(),
  resources: z.array(z.looseObject({ kind: z.string(), of: z.string().optional() }))
})
export type RollbackRecord = Omit<z.infer<typeof rollbackRecord>, 'resources'> & {
  resources: RecordedResource[]
}

export function newRecord(fields: Omit<RollbackRecord, 'format'>): RollbackRecord {
  return { format: FORMAT, ...fields }
}

/** The record, or why the value is not one (written by something else, or by another format). */
export function readRecord(
  value: unknown,
  kinds: readonly RollbackKind[]
): { value: RollbackRecord } | { refused: string } {
  const read = readStored('rollback record', rollbackRecord, value)
  if ('refused' in read) {
    const format = storedObject(value)?.format
    const other = typeof format === 'string' && /^kestra-gitops-rollback\/\d{1,6}$/.test(format)
    return other ? { refused: `rollback record ${format}: unsupported` } : read
  }
  const { toward, towardWhole, resources } = read.value
  const parsed = resources.map((resource) => resourceOf(resource, kinds))
  const at = parsed.indexOf(undefined)
  if (at >= 0) return { refused: `rollback record: resources.${at} is not one of a known kind` }
  // A whole value that is not that same marker is not put back (nor is one with no marker to go back to).
  const whole = parseMarker(towardWhole)
  const same = toward && whole?.commit === toward.commit && whole.repository === toward.repository
  const { towardWhole: _whole, ...fields } = read.value
  return {
    value: { ...fields, ...(same && { towardWhole }), resources: parsed as RecordedResource[] }
  }
}

/**
 * The rollbacks a stopped run left, sorted by namespace. A value that is no record this version can read (a newer
 * format, cut short, garbage) may be a rollback another version left unfinished: it is named in `unreadable`, and
 * the deploy refuses, never deploying over it nor overwriting it (docs/guarantees.md#records-of-another-version).
 */
export function readRecords(
  values: ReadonlyMap<string, unknown>,
  kinds: readonly RollbackKind[]
): { records: Map<string, RollbackRecord>; unreadable?: string } {
  const records = new Map<string, RollbackRecord>()
  const refused: string[] = []
  for (const [namespace, value] of values) {
    const record = readRecord(value, kinds)
    if ('value' in record) records.set(namespace, record.value)
    else refused.push(`- ${namespace}: ${record.refused}`)
  }
  const sorted = new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1)))
  if (refused.length === 0) return { records: sorted }
  const unreadable = [
    `Nothing was deployed: the KV entry ${ROLLBACK_RECORD_KEY} is not a rollback record this version of kestra-gitops-action can read:`,
    ...refused.sort(),
    `It may be a rollback that a run of another version left unfinished: nothing is deployed over it, and it is left as it is. Finish it with the version that wrote it, or, if no rollback is under way, remove the entry (Kestra's UI: the namespace's KV Store, key ${ROLLBACK_RECORD_KEY}) and run again.`
  ].join('\n')
  return { records: sorted, unreadable }
}

/** A recorded resource, read by its kind; an earlier version wrote some as `tenant-wide`, `of` its kind. */
function resourceOf(
  value: { kind: string; of?: string; [field: string]: unknown },
  kinds: readonly RollbackKind[]
): RecordedResource | undefined {
  const { of, ...rest } = value
  const fields = value.kind === 'tenant-wide' && of !== undefined ? { ...rest, kind: of } : value
  if (fields.before === undefined && fields.deployed === undefined) return undefined
  return kinds.find((kind) => kind.name === fields.kind)?.parse(fields)
}
