import type { StickyComment } from './github.js'
import type { ChangedFiles, ActualNamespace, BaseSnapshot, PlanInput } from './plan-input.js'
import type { MarkersReadBefore } from './commit-marker.js'
import type { Outcome } from './outcome.js'
import type { ChosenLayout, RepoModel } from './repository.js'

/** All a run reads before deciding, made once by gather/; decide/ reads only this (docs/architecture.md). */
export interface Snapshot {
  readonly layout: ChosenLayout
  readonly model: RepoModel
  readonly changed: ChangedFiles
  /** The server's version, when asked for and answered (an unreachable server fails its first real read). */
  readonly serverVersion: Outcome<string | undefined> | undefined
  /** Plan and deploy only. */
  readonly state: ReadonlyMap<string, ActualNamespace> | undefined
  /**
   * What each kind knows to exist (`GatherKind.known`), by kind name, as `namespace\0name`: what one resource
   * references is looked up there.
   */
  readonly targets: ReadonlyMap<string, ReadonlySet<string>>
  /** Read with the server state (deploy only). */
  readonly markers: MarkersReadBefore | undefined
  /** Its changed files' bytes read (plan and deploy only). */
  readonly desired: PlanInput['desired'] | undefined
  /** The commit's committer time, when git can tell (plan and deploy only): the impact's reference time. */
  readonly commitTime: Date | undefined
  /** By kind name (`GatherKind`). */
  readonly kinds: ReadonlyMap<string, unknown>
  readonly base: Outcome<BaseSnapshot | undefined> | undefined
  /** Deploy only; a failed read throws where used (docs/rollback.md#finishing-a-stopped-rollback). */
  readonly rollbackRecords: RollbackRecordsReadBefore | undefined
  /**
   * As the run began, read with the rest so the plan's write needs no read of its own
   * (docs/comment.md#sticky-comment). Undefined when not read; empty when none, or unreadable (the write then
   * reads them).
   */
  readonly comments: readonly StickyComment[] | undefined
}

interface RollbackRecordsReadBefore {
  namespaces: readonly string[]
  read: Outcome<ReadonlyMap<string, unknown>>
}
