import type { PlanCounts, ResourceChange } from './types.js'

export function countPlan(resources: readonly ResourceChange[]): PlanCounts {
  const counts: PlanCounts = {
    create: 0,
    update: 0,
    delete: 0,
    orphaned: 0,
    unchanged: 0,
    drifted: 0
  }
  for (const r of resources) {
    counts[r.action]++
    if (r.drifted) counts.drifted++
  }
  return counts
}

/** True when applying the plan writes or deletes something. */
export function hasChanges(counts: PlanCounts): boolean {
  return counts.create + counts.update + counts.delete > 0
}
