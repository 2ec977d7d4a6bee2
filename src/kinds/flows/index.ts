import type { Kind } from '../kind.js'
import { flowsRollback } from './apply-restore.js'
import { flowsDecide } from './decide.js'

export const flows: Kind = { decide: flowsDecide, rollback: flowsRollback }
