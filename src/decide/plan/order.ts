import type { ResourceChange } from '../../model/plan.js'
import { compareCodeUnits } from '../../model/compare.js'

/** Namespace, then namespace files before flows, then path or id. */
export function compareChanges(a: ResourceChange, b: ResourceChange): number {
  return (
    compareCodeUnits(a.namespace, b.namespace) ||
    compareCodeUnits(a.kind, b.kind) ||
    compareCodeUnits(a.kind === 'flow' ? a.id : a.path, b.kind === 'flow' ? b.id : b.path)
  )
}
