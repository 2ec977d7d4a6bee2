import { ActionError } from '../model/errors.js'
import type { ResourceChange } from '../model/plan.js'

/**
 * What decide/ needs of a resource kind (docs/kinds.md): how its changes are named, ordered and written
 * into the plan file. decide/ never names a kind: run/ hands it the registry's kinds.
 */
export interface DecideKind<C extends ResourceChange = ResourceChange> {
  /** The `kind` of its changes in a plan and in the plan file. */
  readonly name: C['kind']
  /** Where its changes sort inside a namespace: lower first (namespace files before the flows reading them). */
  readonly order: number
  /** Its identity inside a namespace (a flow's id, a file's path): plans sort by it. */
  idOf(change: C): string
  /** The plan file's identity field of a change (`id`, `path`…). */
  planFileIdentity(change: C): Record<string, string>
  /** What else the plan file says of a change of this kind (a flow's current revision…). */
  planFileDetails(change: C): Record<string, string | number>
}

/** The kind of a change, among those of the run. */
export function kindOf(kinds: readonly DecideKind[], change: ResourceChange): DecideKind {
  const kind = kinds.find((candidate) => candidate.name === change.kind)
  if (kind === undefined) {
    throw new ActionError(`no resource kind '${change.kind}' is registered (src/kinds/index.ts)`)
  }
  return kind
}
