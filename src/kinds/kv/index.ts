import type { Kind } from '../kind.js'
import type { ResourceChanges } from '../../model/plan.js'
import { kvApply, kvRollback } from './apply.js'
import { kvDecide } from './decide.js'
import type { HeldKv } from './decide.js'
import { kvGather } from './gather.js'

/** KV pairs as code (docs/kv.md): read, checked, planned, written and rolled back by this module alone. */
export const kv: Kind<HeldKv, ResourceChanges['kv']> = {
  gather: kvGather,
  decide: kvDecide,
  apply: kvApply,
  rollback: kvRollback
}
