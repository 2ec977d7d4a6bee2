import type { Kind } from '../kind.js'
import type { FileChange } from '../../model/plan.js'
import { filesApply } from './apply.js'
import { filesRollback } from './apply-restore.js'
import { filesDecide } from './decide.js'

/**
 * Namespace files: checked, written and restored by this module; read and planned by the pipeline's code
 * still (docs/kinds.md).
 */
export const namespaceFiles: Kind<unknown, FileChange> = {
  decide: filesDecide,
  apply: filesApply,
  rollback: filesRollback
}
