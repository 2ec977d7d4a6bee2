import type { FlowFile, NamespaceFileEntry, RepoModel } from '../model/repository.js'
import type { Placed } from '../model/sent-names.js'

/**
 * The kinds the layout's two places hold (docs/kinds.md#the-walk-two-kinds-share): what the walk reads in a flow
 * place is the first's entry in `RepoModel.byKind`, what it reads in a namespace-file place the second's.
 */
export interface WalkKinds {
  flowKind: string
  fileKind: string
}

/** What the walk placed, read back through the kinds its parts name (each kind reads its own entry of the model). */
export interface Walked {
  flows: readonly FlowFile[]
  files: readonly NamespaceFileEntry[]
}

export function walkedOf(model: Pick<RepoModel, 'byKind'>, walk: WalkKinds): Walked {
  return {
    flows: (model.byKind.get(walk.flowKind) as Walked['flows'] | undefined) ?? [],
    files: (model.byKind.get(walk.fileKind) as Walked['files'] | undefined) ?? []
  }
}

/** The model with what the walk placed under the kinds its parts name. */
export function withWalked(model: RepoModel, walk: WalkKinds, { flows, files }: Walked): RepoModel {
  const byKind = new Map(model.byKind)
  byKind.set(walk.flowKind, flows)
  byKind.set(walk.fileKind, files)
  return { ...model, byKind }
}

/** What the walk placed in a whole model, kind by kind and namespace by namespace, as the server's reads take it. */
export function placedOf(model: Pick<RepoModel, 'byKind'>, walk: WalkKinds): Placed {
  const { flows, files } = walkedOf(model, walk)
  const byKind = new Map<string, readonly { namespace?: string }[]>([
    [walk.flowKind, flows],
    [walk.fileKind, files]
  ])
  return {
    of: async (kind, namespace) =>
      (byKind.get(kind) ?? []).filter((resource) => resource.namespace === namespace)
  }
}
