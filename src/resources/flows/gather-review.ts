import type { ReviewInput } from '../../engine/snapshot/kind.js'
import type { NameListings } from '../../model/names.js'
import { settle, type Outcome } from '../../model/outcome.js'
import type { UnfinishedReading } from '../../model/plan.js'
import type { RemoteFlow } from '../../model/kestra.js'
import { desiredFlows } from '../../model/repository.js'
import { repoFlowsOf } from './decide-repository.js'
import { readNameListings } from './gather-name-listings.js'
import { readUnfinishedOfRewritable } from './gather-unfinished.js'

/** What the flows' review reads of the server once the repository is read (`GatherKind.review`). */
interface FlowsReview {
  /** The executions not finished of what the plan may rewrite (docs/caught-at-review.md#executions-not-finished). */
  unfinished?: UnfinishedReading
  /** The listings of the names that `secret()` and `kv()` calls use (docs/caught-at-review.md#secrets-and-kv-keys). */
  listings?: Outcome<NameListings>
}

/**
 * The flows kind's review read: the executions not finished, when the run reads the server's state, and the
 * listings of the names the flows use, read with the state so that they cost the plan no round trip of their own
 * (validate with a server reads them too, to check every flow's names).
 */
export async function flowsReview({
  kestra,
  model,
  names,
  heldOf,
  deleteEnabled
}: ReviewInput): Promise<FlowsReview> {
  const unfinished =
    heldOf &&
    readUnfinishedOfRewritable(
      kestra,
      model.managedNamespaces.map((namespace) => ({
        namespace,
        held: heldOf(namespace) as Promise<readonly RemoteFlow[]>
      })),
      { flows: desiredFlows(repoFlowsOf(model), model.managedNamespaces), deleteEnabled }
    )
  const listings = names.length > 0 ? settle(readNameListings(kestra, names)) : undefined
  const [searched, listed] = await Promise.all([unfinished, listings])
  return { ...(searched && { unfinished: searched }), ...(listed && { listings: listed }) }
}
