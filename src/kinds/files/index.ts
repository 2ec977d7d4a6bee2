import type { Kind } from '../kind.js'
import type { FileChange } from '../../model/plan.js'
import { filesApply } from './apply.js'
import { filesRollback } from './apply-restore.js'
import { filesDecide, type FilesHeld } from './decide.js'

/** Namespace files (docs/kinds.md): read by the run's one walk, with flows. */
export const namespaceFiles: Kind<FilesHeld, FileChange> = {
  gather: { name: 'file', fromWalk: (walk) => walk },
  decide: filesDecide,
  apply: filesApply,
  rollback: filesRollback
}
