import type { ApplyKind, RollbackKind } from '../engine/apply/kind.js'
import type { DecideKind } from '../engine/decide-kind.js'
import type { GatherKind } from '../engine/snapshot/kind.js'
import type { NameListings, NameReference } from '../model/names.js'
import type { Outcome } from '../model/outcome.js'
import type { ResourceChange, UnfinishedReading } from '../model/plan.js'
import type { FlowReference } from '../model/references.js'
import type { FileChecks, StoredFlowCheck } from '../model/stored-checks.js'

/**
 * A resource kind: one module per kind, its parts by phase (docs/kinds.md). Each phase declares the part
 * it consumes; this composes them, and checks that what the kind's gather part reads (`H`) is what its
 * decide part takes, and that its decide and apply parts speak of the same changes (`C`). `K`: what its
 * checks hold once run (`Checked.byKind`), read by the commands only through `checked`.
 */
export interface Kind<H = unknown, C extends ResourceChange = ResourceChange, K = unknown> {
  gather?: GatherKind<H, C>
  decide: DecideKind<C, H>
  apply?: ApplyKind<C>
  /** How a rollback records and restores its resources (docs/rollback.md). */
  rollback?: RollbackKind<C>
  checked?: CheckedKind<K>
}

/**
 * What the commands ask of a kind's checks (`Checked.byKind`), each fact through its own function: no command
 * reads a kind's checked value by its shape (docs/kinds.md#what-one-kind-tells-another).
 */
export interface CheckedKind<K = unknown> {
  /** What its resources reference of others (a flow's subflows and namespace files), as sent. */
  references?(checked: K): readonly FlowReference[]
  /** The `secret()` and `kv()` names its resources use, as sent (their listings are the snapshot's). */
  names?(checked: K): readonly NameReference[]
  /** The server's listings of the names its resources use, when read. */
  listings?(checked: K): Outcome<NameListings> | undefined
  /** The review's search of executions not finished, when made (docs/caught-at-review.md#executions-not-finished). */
  unfinished?(checked: K): UnfinishedReading | undefined
  /** Each repository file's own checks, as the loading made or reused them. */
  fileChecks?(checked: K): FileChecks
  /** Deploy: the checks each namespace's commit marker stores (docs/performance.md#incremental-planning). */
  toStore?(
    checked: K
  ): Promise<Map<string, Record<string, StoredFlowCheck>> | undefined> | undefined
  /**
   * Deploy: confirms the checks reused rather than run, right before the first write; throws when one differs
   * (docs/performance.md#a-deploy-confirms-before-it-writes).
   */
  confirmReused?(checked: K): Promise<void>
}

/** The kinds the layout reads, by name (`GatherKind.fromWalk`): a file written for one must read back as it. */
export function readByLayout(kinds: readonly Kind[]): Set<string> {
  return new Set(kinds.flatMap(({ gather }) => (gather?.fromWalk ? [gather.name] : [])))
}
