import type { ResourceChange } from '../../model/plan.js'
import { compareCodeUnits } from '../../model/compare.js'
import { kindOf, type DecideKind } from '../kind.js'

/** Namespace, then the kinds' order (namespace files before flows), then each kind's identity. */
export function changeOrder(
  kinds: readonly DecideKind[]
): (a: ResourceChange, b: ResourceChange) => number {
  return (a, b) => {
    const kindA = kindOf(kinds, a)
    const kindB = kindOf(kinds, b)
    return (
      compareCodeUnits(a.namespace, b.namespace) ||
      kindA.order - kindB.order ||
      compareCodeUnits(kindA.idOf(a), kindB.idOf(b))
    )
  }
}
