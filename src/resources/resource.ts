import type { ApplyKind, RollbackKind } from '../engine/apply/kind.js'
import type { DecideKind } from '../engine/decide-kind.js'
import type { GatherKind } from '../engine/snapshot/kind.js'
import type { NameListings, NameReference } from '../model/names.js'
import type { Outcome } from '../model/outcome.js'
import type { Plan, ResourceChange, UnfinishedReading } from '../model/plan.js'
import type { ActualNamespace } from '../model/plan-input.js'
import type { RepoModel } from '../model/repository.js'
import type { FlowReference } from '../model/references.js'

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
  /** What it keeps in each namespace's commit marker. */
  marker?: MarkerPart<K>
}

/**
 * What a kind keeps in each namespace's commit marker, under a field of its own
 * (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker): written by a deploy under the marker's seal, read back
 * (`ServerContext.kept`) only where the seal holds.
 */
interface MarkerPart<K = unknown> {
  field: string
  /**
   * Whether a marker is rewritten when the entries (by key) kept there differ from this deploy's; otherwise they
   * ride with a marker written anyway, so that a no-change deploy writes nothing.
   */
  rewritesMarker: boolean
  /** Deploy: what it keeps, by namespace; undefined: nothing. */
  toKeep(deploying: KeepInput<K>): PromiseLike<KeptByNamespace> | KeptByNamespace
}

type KeptByNamespace = ReadonlyMap<string, unknown> | undefined

/** What a kind's `toKeep` reads. */
export interface KeepInput<K = unknown> {
  /** Its checks once run (`Checked.byKind`), when it has any. */
  checked: K | undefined
  plan: Pick<Plan, 'resources'>
  /** The repository, as sent. */
  model: RepoModel
  /** The server's state of the managed namespaces, when read. */
  state: ReadonlyMap<string, ActualNamespace> | undefined
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
