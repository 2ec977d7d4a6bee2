import type { ApplyKind } from '../apply/kind.js'
import type { DecideKind } from '../decide/kind.js'
import type { GatherKind } from '../gather/kind.js'

/**
 * A resource kind: one module per kind, its parts by phase (docs/kinds.md). Each phase declares the part
 * it consumes; this composes them. `gather` and `apply` are given by a kind whose reading and writing are
 * its own; flows and namespace files still read and write through the pipeline's own code (docs/kinds.md
 * lists where).
 */
export interface Kind {
  gather?: GatherKind
  decide: DecideKind
  apply?: ApplyKind
}
