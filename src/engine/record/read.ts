import type { KestraApi } from '../../adapters/kestra/api.js'
import type { MarkerRead, MarkerReading } from '../../model/commit-marker.js'
import { COMMIT_MARKER_KEY, commitMarker } from './marker.js'
import { readStored } from '../../model/stored-record.js'
import type { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'

/**
 * The marker of each namespace. One the server would not give leaves the order unknown (`failed`, with a warning: the
 * deploy goes on); one it gave that this version cannot read (a newer format, cut short, garbage) is `unreadable`,
 * and a deploy refuses it by name (docs/guarantees.md#records-of-another-version). `first`: each read waits ahead of
 * the requests queued (the loading waits on the stored checks).
 */
export async function readMarkers(
  api: KestraApi,
  namespaces: string[],
  semaphore?: Semaphore,
  first = false
): Promise<MarkerReading> {
  const byNamespace = new Map<string, MarkerRead>()
  const warnings: string[] = []
  await Promise.all(
    namespaces.map(async (namespace) => {
      let value: unknown
      try {
        const read = () => readMarkerValue(api, namespace, first)
        value = await (semaphore ? semaphore.run(read, first) : read())
      } catch (error) {
        byNamespace.set(namespace, { failed: errorMessage(error) })
        warnings.push(
          `Could not read the deployed commit of namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; cannot tell whether this commit is older than what it holds, deploying anyway.`
        )
        return
      }
      if (value === undefined) return void byNamespace.set(namespace, {})
      const read = readStored('commit marker', commitMarker, value)
      byNamespace.set(
        namespace,
        'value' in read ? { value, marker: read.value } : { value, unreadable: read.refused }
      )
    })
  )
  return { byNamespace, warnings: warnings.sort() }
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
