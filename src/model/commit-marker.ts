/** The commit marker, format 1: the commit and `owner/repo` it belongs to (more fields ride along). */
export interface CommitMarker {
  commit: string
  repository: string
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

/** The markers read with the server state, before the plan was ready, so that it overlapped other work. */
export interface MarkersReadBefore {
  /** Sorted. */
  namespaces: string[]
  read: MarkerReading
}

export function short(sha: string): string {
  return sha.slice(0, 12)
}
