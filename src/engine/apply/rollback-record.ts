import { z } from 'zod'
import type { HistoryApi } from '../../adapters/kestra/api.js'
import type { CommitMarker } from '../../model/commit-marker.js'
import { commitMarker, parseMarker } from '../record/marker.js'
import { readStored, storedObject } from '../../model/stored-record.js'
import { utf8Length } from '../../model/content.js'
import { WRITTEN, type DeployResult } from '../../model/result.js'
import { resourceName } from '../../model/plan.js'
import {
  ROLLBACK_RECORD_KEY,
  type RecordedResource,
  type RestoreItem
} from '../../model/after-deploy.js'
import type { RollbackKind } from './kind.js'

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

export interface MarkerTarget {
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
  /**
   * What the deploy wrote and the rollback cannot put back, each `kind name` and why (a kind with no rollback,
   * docs/kinds.md; a write Kestra kept otherwise): the rollback is at most partial.
   */
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
    const { change, result: did, outcomeUnknown, notKept } = written
    const name = `${change.kind} ${resourceName(change)}`
    if (did === 'failed' && notKept) {
      unrestorable.push(`${name} stays as Kestra kept it: it read back other than was sent`)
      continue
    }
    if (!WRITTEN.has(did) && !(did === 'failed' && outcomeUnknown)) continue
    const kind = kindNamed(kinds, change.kind)
    if (!kind) {
      unrestorable.push(`${name} stays as this deploy wrote it: its kind has no rollback yet`)
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

export function kindNamed(kinds: readonly RollbackKind[], name: string): RollbackKind | undefined {
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
