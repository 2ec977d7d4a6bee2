import { z } from 'zod'
import type { CommitMarker } from '../../model/commit-marker.js'
import { readStored } from '../../model/stored-record.js'

/** Per namespace and server, not comment-key: instances deploying the same resources must agree on the newest. */
export const COMMIT_MARKER_KEY = 'kestra-gitops-commit'

const SHA = /^[0-9a-f]{7,64}$/i

/** The commit marker as stored (`CommitMarker`); more fields ride along. */
export const commitMarker = z.object({
  commit: z.string().regex(SHA),
  repository: z.string()
}) satisfies z.ZodType<CommitMarker>

/** The marker stored in KV, or undefined when absent or not one of ours. */
export function parseMarker(value: unknown): CommitMarker | undefined {
  const read = readStored('commit marker', commitMarker, value)
  return 'value' in read ? read.value : undefined
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
