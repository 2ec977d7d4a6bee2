import { sha256Hex } from '../../model/content.js'
import type { ResourceChange } from '../../model/plan.js'

/**
 * sha256 of the canonical plan: every change (unchanged resources left out) with what it would
 * write and the server state it expects. Nothing run-specific (commit, time, drift) takes part.
 * `resources` must be in plan order.
 */
export function fingerprint(resources: readonly ResourceChange[]): string {
  const changes = resources
    .filter((r) => r.action !== 'unchanged')
    .map((r) =>
      r.kind === 'flow'
        ? [
            'flow',
            r.namespace,
            r.id,
            r.action,
            r.desired === undefined ? null : sha256Hex(r.desired),
            r.current?.revision ?? null,
            r.current === undefined ? null : sha256Hex(r.current.source)
          ]
        : [
            'file',
            r.namespace,
            r.path,
            r.action,
            r.desired?.sha256 ?? null,
            null,
            r.current?.sha256 ?? null
          ]
    )
  return sha256Hex(JSON.stringify({ version: 1, changes }))
}
