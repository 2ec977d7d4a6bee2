import type { KestraApi } from '../kestra/api.js'
import type { KindVersion, RestoreOutcome } from '../model/after-deploy.js'
import type { FileChange, ResourceChange } from '../model/plan.js'
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

/** What one deploy hands each write besides the server (docs/kinds.md). */
export interface DeployContext {
  /** The repository's bytes of a namespace file, read right before its upload. */
  readDesiredFile(change: FileChange): Promise<Uint8Array>
  /**
   * One read for every write that asks for it (by `key`) before it is sent, on the next turn of the
   * event loop: shared by writes that run together, never trusted by a write that asked later.
   */
  shared<T>(key: string, read: () => Promise<T>): Promise<T>
  /** What this deploy wrote, or failed to, of the resources the change needs (written before it). */
  needed(change: ResourceChange): ResourceResult[]
}

/** What the server holds of a resource right before its write, against the plan and the desired state. */
export type Verdict =
  /** Still what the plan saw: write it. */
  | { kind: 'as-planned' }
  /** Already what this deploy wants (another run of the same commit got there first): nothing to write. */
  | { kind: 'desired'; revision?: number }
  /** Moved to something else: a conflict, never overwritten. */
  | { kind: 'moved'; message: string }

/** The result of a resource that was not written: already as desired, or moved (a conflict). */
export function settled(
  change: ResourceChange,
  verdict: Exclude<Verdict, { kind: 'as-planned' }>
): ResourceResult {
  if (verdict.kind === 'moved') return { change, result: 'conflict', message: verdict.message }
  return {
    change,
    result: 'unchanged',
    revision: verdict.revision,
    message: 'the server already holds what this deploy wants (another run got there first)'
  }
}

/**
 * What apply/ needs of a resource kind whose writes are its own (docs/kinds.md). Each write and delete
 * reads the server's copy right before it: one that moved since the plan is a conflict, one already as
 * desired is unchanged. Kinds are written in the registry's order, a resource after those it needs
 * (docs/kinds.md); deletions come only when every write went through. apply/ never names a kind.
 */
export interface ApplyKind<C extends ResourceChange = ResourceChange> {
  /** The kind's name (its `DecideKind`'s). */
  readonly name: C['kind']
  /** Creates or updates the change's resource. */
  write(change: C, api: KestraApi, deploy: DeployContext): Promise<ResourceResult>
  /** Deletes the change's resource. */
  remove(change: C, api: KestraApi, deploy: DeployContext): Promise<ResourceResult>
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
