/**
 * KV key holding the last commit deployed to a namespace. One key per namespace and server, not per
 * comment-key: instances that deploy to the same namespace of the same server write the same resources, so
 * they must agree on which commit is newest.
 */
export const COMMIT_MARKER_KEY = 'kestra-gitops-commit'

export interface CommitMarker {
  commit: string
  /** `owner/repo` the commit belongs to. */
  repository: string
}

const SHA = /^[0-9a-f]{7,64}$/i

/**
 * A JSON object the action stored in KV, as the server gives it back: parsed already (typed `JSON`), or
 * as text (older servers, or a value someone else wrote). Undefined when it is no object.
 */
export function storedObject(value: unknown): Record<string, unknown> | undefined {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined
}

/** The marker stored in KV, or undefined when absent or not one of ours. */
export function parseMarker(value: unknown): CommitMarker | undefined {
  const parsed = storedObject(value)
  if (!parsed) return undefined
  const { commit, repository } = parsed
  if (typeof commit !== 'string' || !SHA.test(commit) || typeof repository !== 'string') {
    return undefined
  }
  return { commit, repository }
}

export type RecordedMarkers = Map<string, CommitMarker | undefined>

export interface MarkerReading {
  markers: RecordedMarkers
  warnings: string[]
  /** Each namespace's marker as stored, when it is a JSON object (it may hold more than the marker). */
  stored?: Map<string, Record<string, unknown>>
  /** Each namespace's value under the key exactly as the server gave it, when there is one: what a rollback puts back. */
  held?: Map<string, unknown>
}

/** The short form of a commit id in messages. */
export function short(sha: string): string {
  return sha.slice(0, 12)
}

/** The markers read with the server state, before the plan was ready, so that it overlapped other work. */
export interface EarlyMarkers {
  /** Sorted. */
  namespaces: string[]
  read: MarkerReading
}
