import { parseMarker, type CommitMarker } from '../model/commit-marker.js'
import { ROLLBACK_RECORD_KEY, type RecordedResource } from '../model/after-deploy.js'
import type { RollbackKind } from './kind.js'

const FORMAT = 'kestra-gitops-rollback/1'

/** One namespace's rollback in progress. */
export interface RollbackRecord {
  format: typeof FORMAT
  /** `owner/repo` and commit of the deploy being undone. */
  repository: string
  deployed: string
  /** The commit the namespace goes back to: its marker before the deploy (null: it had none). */
  toward: CommitMarker | null
  /** The marker's whole previous value, when the record could hold it (`RECORDED_MARKER_BYTES`). */
  towardWhole?: unknown
  /** Whether the deploy wrote the namespace's marker (only then is it put back). */
  markerWritten: boolean
  resources: RecordedResource[]
}

export function newRecord(fields: Omit<RollbackRecord, 'format'>): RollbackRecord {
  return { format: FORMAT, ...fields }
}

/** The record, or undefined when the value is not one (written by something else, or by a later format). */
export function parseRecord(
  value: unknown,
  kinds: readonly RollbackKind[]
): RollbackRecord | undefined {
  const record = (typeof value === 'string' ? safeJson(value) : value) as Record<string, unknown>
  if (typeof record !== 'object' || record === null || record.format !== FORMAT) return undefined
  const { repository, deployed, toward, towardWhole, markerWritten, resources } = record
  if (typeof repository !== 'string' || typeof deployed !== 'string') return undefined
  if (typeof markerWritten !== 'boolean' || !Array.isArray(resources)) return undefined
  const marker = toward === null ? null : parseMarker(toward)
  if (marker === undefined) return undefined
  const parsed = resources.map((resource) => resourceOf(resource, kinds))
  if (!parsed.every((resource) => resource !== undefined)) return undefined
  // A whole value that is not that same marker is not put back (nor is one with no marker to go back to).
  const whole = parseMarker(towardWhole)
  const same = marker && whole?.commit === marker.commit && whole.repository === marker.repository
  return newRecord({
    repository,
    deployed,
    toward: marker,
    ...(same && { towardWhole }),
    markerWritten,
    resources: parsed
  })
}

interface RecordReading {
  /** By namespace, sorted. */
  records: Map<string, RollbackRecord>
  /** Entries under the key that are not records: left alone. */
  warnings: string[]
}

/**
 * The rollbacks a stopped run left in progress, from the values stored under the record key
 * (`readRollbackRecords`), by namespace, sorted. A value that is not a record is left alone, with a warning.
 */
export function recordsOf(
  values: ReadonlyMap<string, unknown>,
  kinds: readonly RollbackKind[]
): RecordReading {
  const records = new Map<string, RollbackRecord>()
  const warnings: string[] = []
  for (const [namespace, value] of values) {
    const record = parseRecord(value, kinds)
    if (record) records.set(namespace, record)
    else {
      warnings.push(
        `The KV entry ${ROLLBACK_RECORD_KEY} of namespace ${namespace} is not a rollback record of this action; it is left alone.`
      )
    }
  }
  return { records: new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1))), warnings }
}

/**
 * A recorded resource, read by its kind; one written as `tenant-wide` (`of` naming its kind) by an earlier
 * version is its kind's.
 */
function resourceOf(value: unknown, kinds: readonly RollbackKind[]): RecordedResource | undefined {
  if (!isObject(value)) return undefined
  const { of, ...rest } = value
  const fields =
    value.kind === 'tenant-wide' && typeof of === 'string' ? { ...rest, kind: of } : value
  if (fields.before === undefined && fields.deployed === undefined) return undefined
  return kinds.find((kind) => kind.name === fields.kind)?.parse(fields)
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** A SHA-256 as recorded: 64 lowercase hex digits. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
