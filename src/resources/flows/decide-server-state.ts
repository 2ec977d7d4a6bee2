import type { RemoteFlow } from '../../model/kestra.js'
import type { ActualNamespace } from '../../model/plan-input.js'

/** The kind's name, under which the state holds a namespace's flows. */
const FLOW = 'flow'

/** A namespace's flows as the server holds them (`GatherKind.server`). */
export function serverFlowsOf(held: ActualNamespace | undefined): readonly RemoteFlow[] {
  return (held?.get(FLOW) as readonly RemoteFlow[] | undefined) ?? []
}
