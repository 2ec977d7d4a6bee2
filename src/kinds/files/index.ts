import type { Kind } from '../kind.js'
import type { FileChange } from '../../model/plan.js'
import { filesApply, filesRollback } from './apply.js'
import { filesDecide, type FilesHeld } from './decide.js'
import { readNamespaceFileBytes } from './gather-read.js'

/** docs/kinds.md#the-walk-two-kinds-share */
export const filesWalk = { readFileBytes: readNamespaceFileBytes }

/** Namespace files (docs/kinds.md): read by the run's one walk, with flows. */
export const namespaceFiles: Kind<FilesHeld, FileChange> = {
  gather: { name: 'file', fromWalk: (walk) => walk, walk: filesWalk },
  decide: filesDecide,
  apply: filesApply,
  rollback: filesRollback
}
