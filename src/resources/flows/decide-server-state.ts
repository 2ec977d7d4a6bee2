import type { RemoteFlow } from '../../model/kestra.js'
import type { ActualNamespace } from '../../model/plan-input.js'
import type { FlowChange } from '../../model/plan.js'

/** The kind's name, under which the state (and the base) holds a namespace's flows. */
export const FLOW: FlowChange['kind'] = 'flow'

/** A namespace's flows as the server holds them (`GatherKind.server`). */
export function serverFlowsOf(held: ActualNamespace | undefined): readonly RemoteFlow[] {
  return (held?.get(FLOW) as readonly RemoteFlow[] | undefined) ?? []
}
