import { z } from 'zod'
import { jsonObject } from './content.js'

/** Per namespace and server, not comment-key: instances deploying the same resources must agree on the newest. */
export const COMMIT_MARKER_KEY = 'kestra-gitops-commit'

const versioned = z.looseObject({ version: z.unknown().optional() })

/**
 * What the action stores in Kestra, read back as untrusted (docs/performance.md#what-kv-can-do-to-it): JSON or
 * its text (older servers, someone else's value), then its schema. Format 1 has no `version` field; another
 * version or a value the schema does not fit is refused by name, never a crash.
 */
export function readStored<T>(
  name: string,
  schema: z.ZodType<T>,
  value: unknown
): { value: T } | { refused: string } {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      return { refused: `${name}: not JSON` }
    }
  }
  const version = versioned.safeParse(parsed).data?.version
  if (version !== undefined && version !== 1) {
    return { refused: `${name} v${Number.isSafeInteger(version) ? version : '?'}: unsupported` }
  }
  const read = schema.safeParse(parsed)
  if (read.success) return { value: read.data }
  return {
    refused: `${name}: ${fieldOf(read.error) || 'the value'} is not what this action writes`
  }
}

/** The field a schema refused, as `a.0.b`; keys are untrusted text, so only a plain word is shown, else `*`. */
export function fieldOf(error: z.ZodError): string {
  return (error.issues[0]?.path ?? [])
    .slice(0, 8)
    .map((key) =>
      typeof key === 'number' || /^[A-Za-z_]\w{0,39}$/.test(String(key)) ? String(key) : '*'
    )
    .join('.')
}

/** A stored JSON object whatever it holds (it may hold more than the marker), or undefined. */
export function storedObject(value: unknown): Record<string, unknown> | undefined {
  const read = readStored('value', jsonObject, value)
  return 'value' in read ? read.value : undefined
}

const SHA = /^[0-9a-f]{7,64}$/i

/** The commit marker, format 1: the commit and `owner/repo` it belongs to (more fields ride along). */
export const commitMarker = z.object({ commit: z.string().regex(SHA), repository: z.string() })
export type CommitMarker = z.infer<typeof commitMarker>

/** The marker stored in KV, or undefined when absent or not one of ours. */
export function parseMarker(value: unknown): CommitMarker | undefined {
  const read = readStored('commit marker', commitMarker, value)
  return 'value' in read ? read.value : undefined
}

export type RecordedMarkers = Map<string, CommitMarker | undefined>

export interface MarkerReading {
  markers: RecordedMarkers
  warnings: string[]
  /** Each namespace's marker as stored, when it is a JSON object (it may hold more than the marker). */
  stored?: Map<string, Record<string, unknown>>
  /** Each namespace's value under the key exactly as the server gave it: what a rollback puts back. */
  held?: Map<string, unknown>
  /** The namespaces whose value is no marker this version can read, with why (`readStored`'s refusal). */
  unreadable?: Map<string, string>
}

/**
 * Why a deploy writes nothing while a namespace holds a marker it cannot read
 * (docs/guarantees.md#records-of-another-version): overwriting it on a guess could put an older commit over a newer.
 */
export function unreadableMarkers(unreadable: ReadonlyMap<string, string>): string {
  const names = [...unreadable].sort(([a], [b]) => (a < b ? -1 : 1))
  return [
    `Nothing was deployed: the KV entry ${COMMIT_MARKER_KEY} of ${names.length === 1 ? 'namespace' : 'namespaces'} ${names.map(([namespace]) => namespace).join(', ')} is not a deployed-commit marker this version of kestra-gitops-action can read:`,
    ...names.map(([namespace, why]) => `- ${namespace}: ${why}`),
    `The marker says which commit a namespace last got, so that an older commit is never deployed over a newer one; it is not overwritten on a guess. If a newer version of the action wrote it, deploy with that version. Otherwise remove the entry (Kestra's UI: the namespace's KV Store, key ${COMMIT_MARKER_KEY}) and run again.`
  ].join('\n')
}

export function short(sha: string): string {
  return sha.slice(0, 12)
}

/** The markers read with the server state, before the plan was ready, so that it overlapped other work. */
export interface MarkersReadBefore {
  /** Sorted. */
  namespaces: string[]
  read: MarkerReading
}
