import type { RemoteFlow } from '../src/model/kestra.js'
import type { ActualNamespace, ServerFile } from '../src/model/plan-input.js'

/** What a test says a namespace holds on the server, by what it is. */
export interface HeldParts {
  flows?: readonly RemoteFlow[]
  files?: readonly ServerFile[]
}

/** A namespace as the server holds it: each kind's copy under the kind's name (`GatherKind.server`). */
export function heldNamespace({ flows = [], files = [] }: HeldParts): ActualNamespace {
  return new Map<string, unknown>([
    ['flow', flows],
    ['file', files]
  ])
}

/** The server's state of these namespaces (`Snapshot.state`). */
export function serverState(
  byNamespace: Record<string, HeldParts> | Iterable<readonly [string, HeldParts]>
): Map<string, ActualNamespace> {
  const entries = Symbol.iterator in byNamespace ? [...byNamespace] : Object.entries(byNamespace)
  return new Map(entries.map(([namespace, held]) => [namespace, heldNamespace(held)]))
}
