import type { Kind } from '../kind.js'
import type { FlowChange } from '../../model/plan.js'
import { flowsApply } from './apply.js'
import { flowsRollback } from './apply-restore.js'
import { flowsDecide } from './decide.js'

/**
 * Flows: checked, written and restored by this module; read and planned by the pipeline's code still
 * (docs/kinds.md).
 */
export const flows: Kind<unknown, FlowChange> = {
  decide: flowsDecide,
  apply: flowsApply,
  rollback: flowsRollback
}
