import type { ApplyKind, RollbackKind } from '../engine/apply/kind.js'
import type { DecideKind } from '../engine/decide-kind.js'
import type { GatherKind } from '../engine/snapshot/kind.js'
import type { ResourceChange } from '../model/plan.js'

/**
 * A resource kind: one module per kind, its parts by phase (docs/kinds.md). Each phase declares the part
 * it consumes; this composes them, and checks that what the kind's gather part reads (`H`) is what its
 * decide part takes, and that its decide and apply parts speak of the same changes (`C`).
 */
export interface Kind<H = unknown, C extends ResourceChange = ResourceChange> {
  gather?: GatherKind<H>
  decide: DecideKind<C, H>
  apply?: ApplyKind<C>
  /** How a rollback records and restores its resources (docs/rollback.md). */
  rollback?: RollbackKind<C>
}
