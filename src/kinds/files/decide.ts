import type { DecideKind } from '../../decide/kind.js'
import type { FileChange } from '../../model/plan.js'

/** Namespace files in a plan: before the flows that read them, by path. */
export const filesDecide: DecideKind<FileChange> = {
  name: 'file',
  order: 0,
  idOf: (change) => change.path,
  planFileIdentity: (change) => ({ path: change.path }),
  planFileDetails: () => ({})
}
