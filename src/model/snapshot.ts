import type { StickyComment } from './github.js'
import type { ChangedFiles, ActualNamespace, BaseSnapshot, PlanInput } from './plan-input.js'
import type { EarlyMarkers } from './commit-marker.js'
import type { ServerValidation } from './kestra.js'
import type { NameListings } from './names.js'
import type { Outcome } from './outcome.js'
import type { ChosenLayout, FlowFile, RepoModel } from './repository.js'
import type { UnfinishedReading } from './plan.js'

/** One batch of flows the server validated, and its verdict on each (in order). */
export interface ServerAnswer {
  flows: FlowFile[]
  results: ServerValidation[]
}

/** Reference targets known to exist, as `namespace\0path` (files) and `namespace\0id` (flows). */
export interface KnownTargets {
  files: ReadonlySet<string>
  flows: ReadonlySet<string>
}

/**
 * Everything a run reads before it decides (docs/architecture.md): the repository, the change, the
 * server's state and verdicts. Made once by gather/, never changed after; decide/ reads only this and
 * the settings.
 */
export interface Snapshot {
  readonly layout: ChosenLayout
  readonly model: RepoModel
  readonly changed: ChangedFiles
  /** The server's version, when asked for and answered (an unreachable server fails its first real read). */
  readonly serverVersion: Outcome<string | undefined> | undefined
  /** The server's copy of every managed namespace (plan and deploy only). */
  readonly state: ReadonlyMap<string, ActualNamespace> | undefined
  /** The server's validation of every well-formed flow (with server validation on). */
  readonly serverAnswers: readonly ServerAnswer[] | undefined
  /** Which reference targets exist, in the repository or (with a server) on it. */
  readonly targets: KnownTargets
  /** The deployed-commit markers, read with the server state (deploy only). */
  readonly markers: EarlyMarkers | undefined
  /** What the repository wants on the server, its changed files' bytes read (plan and deploy only). */
  readonly desired: PlanInput['desired'] | undefined
  /** The commit's committer time, when git can tell (plan and deploy only): the impact's reference time. */
  readonly commitTime: Date | undefined
  /** What each kind with its own reading (`GatherKind`) gathered, by kind name. */
  readonly kinds: ReadonlyMap<string, unknown>
  /** The repository at the base commit (plan and deploy with a base commit). */
  readonly base: Outcome<BaseSnapshot | undefined> | undefined
  /** The server's listings of the names the flows' `secret()` and `kv()` calls use (plan and deploy). */
  readonly listings: Outcome<NameListings> | undefined
  /**
   * The executions not finished of the server flows the plan may update or delete (plan, deploy and drift):
   * the review's search, read with the server state (docs/caught-at-review.md#executions-not-finished).
   */
  readonly unfinished: UnfinishedReading | undefined
  /**
   * The values stored under the rollback-record key of the managed namespaces (deploy only), read with the
   * commit markers: a failed read throws where the deploy uses it (docs/rollback.md#finishing-a-stopped-rollback).
   */
  readonly rollbackRecords: EarlyRecords | undefined
  /**
   * The pull request's sticky comments as the run began (a plan on a pull request that comments), read while
   * the rest is: the plan's write then needs no read of its own when it rewrites one
   * (docs/comment.md#sticky-comment). Undefined when not read; empty when there is none, or they could not be
   * read (the write then reads them).
   */
  readonly comments: readonly StickyComment[] | undefined
}

/** Rollback records read early, and for which namespaces (sorted). */
export interface EarlyRecords {
  namespaces: readonly string[]
  read: Outcome<ReadonlyMap<string, unknown>>
}
