import type { DecideKind } from '../../decide/kind.js'
import type { FlowChange } from '../../model/plan.js'

/** Flows in a plan: after the namespace files they read, by id; the plan file keeps the revision. */
export const flowsDecide: DecideKind<FlowChange> = {
  name: 'flow',
  order: 1,
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  planFileDetails: (change): Record<string, number> =>
    change.current ? { revision: change.current.revision } : {}
}
