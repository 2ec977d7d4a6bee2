import type { KestraApi } from '../../adapters/kestra/api.js'
import type { MarkerReading, RecordedMarkers } from '../../model/commit-marker.js'
import { COMMIT_MARKER_KEY, commitMarker } from './marker.js'
import { readStored, storedObject } from '../../model/stored-record.js'
import type { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'

/** The markers as read, with why each namespace's could not be (the error, not a warning's sentence). */
export interface MarkersRead extends MarkerReading {
  failed: Map<string, string>
}

/**
 * The marker of each namespace. One the server would not give leaves the order unknown (a warning, the deploy goes
 * on); one it gave that this version cannot read (a newer format, cut short, garbage) is `unreadable`, and a
 * deploy refuses it by name (docs/guarantees.md#records-of-another-version). `first`: each read waits ahead of the
 * requests queued (the loading waits on the stored checks).
 */
export async function readMarkers(
  api: KestraApi,
  namespaces: string[],
  semaphore?: Semaphore,
  first = false
): Promise<MarkersRead> {
  const markers: RecordedMarkers = new Map()
  const warnings: string[] = []
  const failed = new Map<string, string>()
  const stored = new Map<string, Record<string, unknown>>()
  const held = new Map<string, unknown>()
  const unreadable = new Map<string, string>()
  await Promise.all(
    namespaces.map(async (namespace) => {
      let value: unknown
      try {
        const read = () => readMarkerValue(api, namespace, first)
        value = await (semaphore ? semaphore.run(read, first) : read())
      } catch (error) {
        failed.set(namespace, errorMessage(error))
        warnings.push(
          `Could not read the deployed commit of namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; cannot tell whether this commit is older than what it holds, deploying anyway.`
        )
        return
      }
      const read = readStored('commit marker', commitMarker, value)
      if (value !== undefined && 'refused' in read) unreadable.set(namespace, read.refused)
      markers.set(namespace, 'value' in read ? read.value : undefined)
      if (value !== undefined) held.set(namespace, value)
      const object = storedObject(value)
      if (object) stored.set(namespace, object)
    })
  )
  warnings.sort()
  return { markers, warnings, stored, held, unreadable, failed }
}

/**
 * One namespace's value under the marker's key, exactly as the server gives it (undefined when absent); `first`
 * waits ahead of the requests queued.
 */
export function readMarkerValue(
  api: Pick<KestraApi, 'getKv'>,
  namespace: string,
  first = false
): Promise<unknown> {
  return api.getKv(namespace, COMMIT_MARKER_KEY, first)
}
