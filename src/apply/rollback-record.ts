import { z } from 'zod'
import { commitMarker, parseMarker, readStored, storedObject } from '../model/commit-marker.js'
import { ROLLBACK_RECORD_KEY, type RecordedResource } from '../model/after-deploy.js'
import type { RollbackKind } from './kind.js'

/** The record's version (docs/rollback.md#the-record): another is refused by name, never read. */
const FORMAT = 'kestra-gitops-rollback/1'

/** A SHA-256 as recorded: 64 lowercase hex digits. */
export const sha256Field = z.string().regex(/^[0-9a-f]{64}$/)

/** One namespace's rollback in progress; each resource is its kind's to read (`RollbackKind.parse`). */
const rollbackRecord = z.object({
  format: z.literal(FORMAT),
  /** `owner/repo` and commit of the deploy being undone. */
  repository: z.string(),
  deployed: z.string(),
  /** The commit the namespace goes back to: its marker before the deploy (null: it had none). */
  toward: commitMarker.nullable(),
  /** The marker's whole previous value, when the record could hold it (`RECORDED_MARKER_BYTES`). */
  towardWhole: z.unknown().optional(),
  /** Whether the deploy wrote the namespace's marker (only then is it put back). */
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
    const record = readRecord(value, kinds)
    if ('value' in record) records.set(namespace, record.value)
    else {
      warnings.push(
        `The KV entry ${ROLLBACK_RECORD_KEY} of namespace ${namespace} is not a rollback record of this action (${record.refused}); it is left alone.`
      )
    }
  }
  return { records: new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1))), warnings }
}

/**
 * A recorded resource, read by its kind; one written as `tenant-wide` (`of` naming its kind) by an earlier
 * version is its kind's.
 */
function resourceOf(
  value: { kind: string; of?: string; [field: string]: unknown },
  kinds: readonly RollbackKind[]
): RecordedResource | undefined {
  const { of, ...rest } = value
  const fields = value.kind === 'tenant-wide' && of !== undefined ? { ...rest, kind: of } : value
  if (fields.before === undefined && fields.deployed === undefined) return undefined
  return kinds.find((kind) => kind.name === fields.kind)?.parse(fields)
}
