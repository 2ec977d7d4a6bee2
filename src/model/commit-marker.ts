/** The commit marker, format 1: the commit and `owner/repo` it belongs to (more fields ride along). */
export interface CommitMarker {
  commit: string
  repository: string
}

export type RecordedMarkers = Map<string, CommitMarker | undefined>

/** One namespace's commit marker as read (docs/guarantees.md#records-of-another-version). */
export interface MarkerRead {
  /** The marker, when the value is one this version reads. */
  marker?: CommitMarker
  /** The value under the key exactly as the server gave it (absent: no entry): what a rollback puts back. */
  value?: unknown
  /** Why the value is no marker this version reads (`readStored`'s refusal): a deploy refuses it by name. */
  unreadable?: string
  /** Why the server would not give it (the error): which commit the namespace holds is unknown. */
  failed?: string
}

/** Some namespaces' markers, each as read, and the warnings of the reads that failed (sorted). */
export interface MarkerReading {
  byNamespace: ReadonlyMap<string, MarkerRead>
  warnings: readonly string[]
}

/** The marker of each namespace read (undefined where none is readable); none for a read that failed. */
export function recordedMarkers({ byNamespace }: MarkerReading): RecordedMarkers {
  return new Map(
    [...byNamespace].flatMap(([namespace, read]) =>
      read.failed === undefined ? [[namespace, read.marker]] : []
    )
  )
}

/** The commit a namespace's readable marker names, as git names it (lower case); undefined when none. */
export function markedCommit(
  { byNamespace }: MarkerReading,
  namespace: string
): string | undefined {
  return byNamespace.get(namespace)?.marker?.commit.toLowerCase()
}

/** What `pick` says of each namespace's read, where it says something. */
export function eachRead<T>(
  { byNamespace }: MarkerReading,
  pick: (read: MarkerRead, namespace: string) => T | undefined
): Map<string, T> {
  return new Map(
    [...byNamespace].flatMap(([namespace, read]) => {
      const value = pick(read, namespace)
      return value === undefined ? [] : [[namespace, value] as const]
    })
  )
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
