import type { KestraApi } from '../kestra/api.js'
import type { KindVersion, RestoreOutcome } from '../model/after-deploy.js'
import type { ResourceChange } from '../model/plan.js'
import type { ResourceResult } from '../model/result.js'

/** What a rollback records of a tenant-wide resource: its versions before and after the deploy. */
export interface KindRecord {
  id: string
  before?: KindVersion
  deployed?: KindVersion
}

/** What a kind's restore did: the pipeline names the resource and counts it (docs/rollback.md). */
export interface KindRestored {
  result: RestoreOutcome
  message: string
  /** A write was sent. */
  wrote: boolean
}

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
  /**
   * What a rollback records of a change this deploy created, updated or deleted. A kind without it is not
   * rolled back: the rollback names its resources and is at most partial.
   */
  recordOf?(change: C): KindRecord
  /**
   * Puts the resource back to `before` (deletes it when the deploy created it), only when the server
   * still holds `deployed`: already back is restored with no write, moved since is kept. `previous` is
   * the text before the deploy when this run holds it (the record's may have been left out for size).
   */
  restore?(record: KindRecord, previous: string | undefined, api: KestraApi): Promise<KindRestored>
}
