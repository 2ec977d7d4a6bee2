import type { KestraApi } from '../kestra/api.js'
import type { ResourceChange } from '../model/plan.js'
import type { ResourceResult } from '../model/result.js'

/**
 * What apply/ needs of a resource kind whose writes are its own (docs/kinds.md). Each write and delete
 * reads the server's copy right before it: one that moved since the plan is a conflict, one already as
 * desired is unchanged. Such kinds are written after namespace files and flows, in the registry's order,
 * and deleted after them, only when every write went through. apply/ never names a kind.
 */
export interface ApplyKind<C extends ResourceChange = ResourceChange> {
  /** The kind's name (its `DecideKind`'s). */
  readonly name: C['kind']
  /** Creates or updates the change's resource. */
  write(change: C, api: KestraApi): Promise<ResourceResult>
  /** Deletes the change's resource. */
  remove(change: C, api: KestraApi): Promise<ResourceResult>
}
