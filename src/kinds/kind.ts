import type { DecideKind } from '../decide/kind.js'

/**
 * A resource kind: one module per kind, its parts by phase (docs/kinds.md). Each phase declares the part
 * it consumes; this composes them.
 */
export interface Kind {
  decide: DecideKind
}
