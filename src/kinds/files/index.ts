import type { Kind } from '../kind.js'
import { filesRollback } from './apply-restore.js'
import { filesDecide } from './decide.js'

export const namespaceFiles: Kind = { decide: filesDecide, rollback: filesRollback }
