import type { HistoryApi } from '../../kestra/api.js'
import { flowKey, pinnedKey } from '../../model/targets.js'

/** Where a call names its target, and the revision it pins, if any. */
interface PinningCall {
  target: { namespace: string; id: string }
  revision?: number
}

/**
 * The sources of the revisions that calls pin, each read once (docs/caught-at-review.md#subflow-contracts);
 * a revision the server does not have maps to undefined (that call is not checked).
 */
export async function readPinnedRevisions(
  api: HistoryApi,
  sites: readonly PinningCall[]
): Promise<Map<string, string | undefined>> {
  const wanted = new Map<string, { namespace: string; id: string; revision: number }>()
  for (const site of sites) {
    if (site.revision === undefined) continue
    const key = pinnedKey(flowKey(site.target.namespace, site.target.id), site.revision)
    wanted.set(key, { ...site.target, revision: site.revision })
  }
  const read = await Promise.all(
    [...wanted].map(
      async ([key, { namespace, id, revision }]) =>
        [key, await api.flowRevisionSource(namespace, id, revision)] as const
    )
  )
  return new Map(read)
}
