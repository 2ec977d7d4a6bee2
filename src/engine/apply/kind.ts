import type { HistoryApi, KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import type { RecordedResource, RestoreItem, RestoreResult } from '../../model/after-deploy.js'
import type { WriteDependency } from './order.js'
import type { FileChange, ResourceChange } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'

/** What a kind's restore did: the pipeline names the resource and counts it (docs/rollback.md). */
export type KindRestored = Pick<RestoreResult, 'result' | 'message' | 'wrote'>

/** What one deploy hands each write besides the server (docs/kinds.md). */
export interface DeployContext {
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

/**
 * What the server holds right before a write or delete, as text comparable with the plan's (undefined:
 * absent): `planned` what the plan read, `desired` what the change leaves.
 */
export function comparedVerdict(
  change: ResourceChange,
  name: string,
  held: { fresh?: string; planned?: string; desired?: string }
): Verdict {
  const { fresh, planned, desired } = held
  if (fresh === desired) return { kind: 'desired' }
  const moved = (what: string): Verdict => ({
    kind: 'moved',
    message: `${name} was ${what} on the server since the plan`
  })
  if (change.action === 'create')
    return fresh === undefined ? { kind: 'as-planned' } : moved('created')
  if (fresh === undefined) return moved('deleted')
  return fresh === planned ? { kind: 'as-planned' } : moved('changed')
}

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

/** A resource a namespace holds, named as a removal reports it (`flow company.team.hello`), with its delete. */
export interface HeldResource {
  name: string
  remove(): Promise<void>
}

/**
 * What apply/ needs of a resource kind (docs/kinds.md). Each write and delete reads the server's copy right
 * before it: one that moved since the plan is a conflict, one already as desired is unchanged.
 */
export interface ApplyKind<C extends ResourceChange = ResourceChange> {
  readonly name: C['kind']
  write(change: C, api: KestraApi, deploy: DeployContext): Promise<ResourceResult>
  remove(change: C, api: KestraApi, deploy: DeployContext): Promise<ResourceResult>
  /** The revision the server held as the plan read it, where the kind's resources have revisions. */
  revisionHeld?(change: C): number | undefined
  /**
   * Everything of this kind that a namespace holds on the server, in the order it is removed: a preview's
   * close empties its namespaces of every kind (docs/environments.md#previews). Absent: the kind keeps nothing
   * by namespace (dashboards are tenant-wide).
   */
  held?(namespace: string, api: KestraApi & ListingsApi): Promise<HeldResource[]>
}

/**
 * What the rollback needs of a resource kind (docs/rollback.md, docs/kinds.md); a kind without it is not
 * rolled back: the rollback names its resources and is at most partial.
 */
export interface RollbackKind<
  C extends ResourceChange = ResourceChange,
  R extends RecordedResource = RecordedResource
> {
  /** Also the `kind` of its recorded resources. */
  readonly name: C['kind']
  /** Its resources belong to no namespace: they are recorded in the first namespace's record. */
  readonly tenantWide?: boolean
  /**
   * What the rollback records of a change this deploy wrote, or may have (its write lost its answer):
   * `before` absent when the deploy created it, `deployed` absent when it deleted it; `previous`, what
   * goes back when this run holds it.
   */
  recordOf(change: C, written: ResourceResult): { resource: R; previous?: string | Uint8Array }
  nameOf(resource: R, namespace: string): string
  /** Undefined when the value is not a recorded resource of this kind. */
  parse(value: Record<string, unknown>): R | undefined
  /** Where the server still keeps the previous version (a revision), read before the record is written. */
  locate?(item: RestoreItem<R>, history: HistoryApi): Promise<R>
  /** The recorded resource carrying its previous content, and its size against the record's budget. */
  embed?(resource: R, previous: RestoreItem['previous']): { resource: R; size: number } | undefined
  /** The order in which the resources this deploy wrote go back, in waves (flows: callers first). */
  waves?(items: RestoreItem<R>[], refs: WriteDependency[]): RestoreItem<R>[][]
  /** Only while the server holds what the deploy wrote; moved since is kept (docs/rollback.md). */
  restore(
    item: RestoreItem<R>,
    deployed: string,
    api: KestraApi & HistoryApi
  ): Promise<KindRestored>
}
