import { type ResourceResult, WRITTEN } from '../../model/result.js'
import { resourceName } from '../../model/plan.js'
import type { DriftedResource } from '../../model/drift.js'

export interface RevertOutcome {
  /** Per-resource results; undefined when the deploy stopped before writing (a guard refused it). */
  resources?: readonly ResourceResult[]
  /** The deploy was refused as a whole (out of order, max-deletions…), with why. */
  refused?: string
  rolledBack?: boolean
}

/**
 * The drift a revert leaves (docs/drift.md#revert), each with what became of it: a resource Git now
 * holds again is gone from the list; a conflict, a failure, a resource kept (orphaned, as `delete` is
 * false) or everything after a rollback or a refusal stays, named. Pure.
 */
export function remainingDrift(
  items: readonly DriftedResource[],
  outcome: RevertOutcome
): (DriftedResource & { note: string })[] {
  if (outcome.refused !== undefined || !outcome.resources) {
    const why = outcome.refused ?? 'the deploy stopped before writing'
    return items.map((item) => ({ ...item, note: `not reverted: ${why}` }))
  }
  if (outcome.rolledBack) {
    return items.map((item) => ({ ...item, note: 'reverted, then rolled back with the deploy' }))
  }
  const results = new Map(outcome.resources.map((r) => [resourceName(r.change), r]))
  return items.flatMap((item) => {
    const done = results.get(item.name)
    if (item.change.action === 'orphaned') {
      return [
        { ...item, note: 'kept: delete is false, so the revert keeps what only Kestra holds' }
      ]
    }
    if (!done) return [{ ...item, note: 'not reverted: the deploy did not reach it' }]
    if (WRITTEN.has(done.result) || done.result === 'unchanged') return []
    const why = done.message ? `: ${done.message}` : ''
    return [{ ...item, note: `${done.result}${why}` }]
  })
}
