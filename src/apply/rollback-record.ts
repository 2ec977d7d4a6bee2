import type { KestraApi, ListingsApi } from '../kestra/api.js'
import { liveKvKeys } from '../kestra/listings.js'
import { errorMessage } from '../model/errors.js'
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
  const { repository, deployed, toward, markerWritten, resources } = record
  if (typeof repository !== 'string' || typeof deployed !== 'string') return undefined
  if (typeof markerWritten !== 'boolean' || !Array.isArray(resources)) return undefined
  const marker = toward === null ? null : parseMarker(toward)
  if (marker === undefined) return undefined
  const parsed = resources.map((resource) => resourceOf(resource, kinds))
  if (!parsed.every((resource) => resource !== undefined)) return undefined
  return newRecord({ repository, deployed, toward: marker, markerWritten, resources: parsed })
}

interface RecordReading {
  /** By namespace, sorted. */
  records: Map<string, RollbackRecord>
  /** Entries under the key that are not records: left alone. */
  warnings: string[]
}

/**
 * The rollbacks a stopped run left in progress in these namespaces. A record that cannot be read leaves
 * unknown whether the server is half rolled back: that throws, and nothing may be written.
 */
export async function readRecords(
  api: KestraApi & ListingsApi,
  namespaces: string[],
  kinds: readonly RollbackKind[]
): Promise<RecordReading> {
  const holding = new Set(await namespacesHoldingRecords(api, namespaces))
  const values = await Promise.all(
    namespaces.map(async (namespace) => {
      if (!holding.has(namespace)) return undefined
      try {
        return await api.getKv(namespace, ROLLBACK_RECORD_KEY)
      } catch (error) {
        throw new Error(
          `could not read whether a rollback is unfinished in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`,
          { cause: error }
        )
      }
    })
  )
  const records = new Map<string, RollbackRecord>()
  const warnings: string[] = []
  namespaces.forEach((namespace, i) => {
    if (values[i] === undefined) return
    const record = parseRecord(values[i], kinds)
    if (record) records.set(namespace, record)
    else {
      warnings.push(
        `The KV entry ${ROLLBACK_RECORD_KEY} of namespace ${namespace} is not a rollback record of this action; it is left alone.`
      )
    }
  })
  return { records: new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1))), warnings }
}

/**
 * The namespaces whose KV holds a record, from a listing of keys (docs/performance.md#where-the-requests-go):
 * the deploy then reads one value per namespace, its commit marker, and a record only where one is. Every
 * namespace when the listing cannot tell: it failed, or could not be read whole.
 */
async function namespacesHoldingRecords(
  api: KestraApi & ListingsApi,
  namespaces: string[]
): Promise<string[]> {
  try {
    // A listing that cannot be read whole is an error (docs/kestra.md#paged-listings), never a part.
    const keys = await liveKvKeys(api, namespaces)
    return namespaces.filter((namespace) => keys[namespace]?.includes(ROLLBACK_RECORD_KEY))
  } catch {
    // Read each namespace's record instead: its own failure is the one reported.
  }
  return namespaces
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
