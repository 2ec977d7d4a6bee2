import { sha256Hex } from '../../model/content.js'
import type { ResourceChange } from '../../model/plan.js'
import type { PlanInput } from '../../model/plan-input.js'
import { kindOf, type DecideKind } from '../kind.js'

/**
 * sha256 of the canonical plan: every change (unchanged resources left out) with what it would
 * write and the server state it expects (each kind's `fingerprintOf`), and the server and tenant it was
 * computed against (`against`). Nothing run-specific (commit, time, drift) takes part. `resources` must be in
 * plan order.
 */
export function fingerprint(
  resources: readonly ResourceChange[],
  kinds: readonly DecideKind[],
  against?: PlanInput['against']
): string {
  const changes = resources
    .filter((r) => r.action !== 'unchanged')
    .map((r) => kindOf(kinds, r).fingerprintOf(r))
  const where = against && { server: against.server, tenant: against.tenant }
  return sha256Hex(JSON.stringify({ version: 1, changes, ...(where && { against: where }) }))
}

/** A change's part of the fingerprint, hashed and cut to 16 hex digits (`ResourceChange.digest`). */
export function changeDigest(change: ResourceChange, kinds: readonly DecideKind[]): string {
  return sha256Hex(JSON.stringify(kindOf(kinds, change).fingerprintOf(change))).slice(0, 16)
}
