import { ActionError } from '../model/errors.js'
import type { Finding } from '../model/finding.js'
import type { DiffLimits, PlanInput } from '../model/plan-input.js'
import type { RepositoryShape } from '../model/drift.js'
import type { Plan, ResourceChange } from '../model/plan.js'
import type { DefinedNames } from '../model/names.js'
import type { KestraVersion } from '../model/version.js'

export type KindPlanOptions = Pick<PlanInput, 'deleteEnabled' | 'scope' | 'changedFiles'> & {
  limits: DiffLimits
  /** What the run's one walk wants, the server holds and the base held: the walked kinds plan from it. */
  input?: PlanInput
}

/**
 * A mark of a change's line: its words, and the sign the comment and the text plan put before them (`--json`
 * carries the words alone, docs/cli.md#the-json-document).
 */
export interface Mark {
  sign?: string
  text: string
}

/** What decide/ needs of a resource kind (docs/kinds.md); decide/ never names one. */
export interface DecideKind<C extends ResourceChange = ResourceChange, H = unknown> {
  readonly name: C['kind']
  /** Where its changes sort inside a namespace: lower first (namespace files before the flows reading them). */
  readonly order: number
  /** Its row in the plan's counts table (docs/comment.md): `Flows`, `Namespace files`… */
  readonly label: string
  /** What a change's line says beyond its diff's counts (a flow's revision): Markdown-safe text. */
  marks?(change: C): Mark[]
  /** What is said above a change's diff, each an escaped Markdown paragraph (a flow's callers, its review). */
  above?(change: C): string[]
  /** What the `--json` document says of a change beyond its line (docs/cli.md#the-json-document). */
  review?(change: C): Record<string, unknown> | undefined
  /** docs/comment.md#links-to-kestra */
  kestraPage?(change: C, kestraUi: string): string
  /** Its identity inside a namespace: plans sort by it. */
  idOf(change: C): string
  planFileIdentity(change: C): Record<string, string>
  planFileDetails?(change: C): Record<string, string | number>
  /** What the plan's fingerprint holds of a change: what it writes and the server state it expects. */
  fingerprintOf(change: C): unknown[]
  /**
   * What the release line `target` of upgrade readiness changes for the repository's resources of this kind on the
   * server as it runs (its edition), one sentence each (docs/upgrade.md#where-you-see-it).
   */
  upgradeNotes?(held: H, target: KestraVersion): string[]
  /** Its findings; `defined`: what every kind of the repository defines once deployed (`defines`). */
  validate?(held: H, defined: DefinedNames): Finding[]
  /**
   * Its findings once the plan is known: a resource it keeps that uses one the plan deletes or orphans (a test
   * suite's flow), as flows' uses are found (docs/impact.md#deleting-what-is-still-used).
   */
  reviewPlan?(held: H, plan: Pick<Plan, 'resources'>): Finding[]
  /**
   * The names of what the repository holds of this kind, as sent (a KV key in its namespace): a deploy makes
   * them exist, so another kind's check finds them whatever the server lists, e.g. a flow's `kv('k')` a key
   * that the plan creates (docs/kinds.md#what-one-kind-tells-another).
   */
  defines?(held: H): { namespace: string; name: string }[]
  /**
   * Its changes from what it gathered (undefined: nothing was); each tenant-wide change carries the kind's
   * `section`.
   */
  plan?(held: H | undefined, options: KindPlanOptions): C[]
  /**
   * The server's copy of a change as the plan read it (text, or bytes when it may be binary), as the drift
   * watch shows it and brings it back to Git (docs/drift.md); undefined when the plan did not keep it.
   */
  serverContent?(change: C): string | Uint8Array | undefined
  /** Resources share files (KV pairs): `serverContent` is the whole file as the server holds it. */
  readonly sharesFiles?: boolean
  /** The revision the server holds of a change, and when it was saved, where the kind has them. */
  serverRevision?(change: C): { revision: number; updated?: string } | undefined
  /**
   * Why the drift pull request keeps the file of a resource deleted in Kestra rather than removing it
   * (docs/drift.md#the-drift-pull-request); undefined: the file goes.
   */
  keepsFileOfDeleted?(change: C, shape: RepositoryShape): string | undefined
  /**
   * Where the repository keeps such a resource when only the server holds it
   * (docs/drift.md#the-drift-pull-request).
   */
  newPath?(change: C, shape: RepositoryShape): { path: string } | { reason: string }
}

export function kindOf(kinds: readonly DecideKind[], change: ResourceChange): DecideKind {
  const kind = kinds.find((candidate) => candidate.name === change.kind)
  if (kind === undefined) {
    throw new ActionError(
      `no resource kind '${change.kind}' is registered (src/resources/registry.ts)`
    )
  }
  return kind
}

/** What every kind defines of what the repository holds (`DecideKind.defines`), as the checks look names up. */
export function definedNames(
  kinds: readonly DecideKind[],
  held: ReadonlyMap<string, unknown>
): DefinedNames {
  const names = new Set<string>()
  for (const kind of kinds) {
    if (!kind.defines || !held.has(kind.name)) continue
    for (const { namespace, name } of kind.defines(held.get(kind.name))) {
      names.add(`${kind.name}\0${namespace}\0${name}`)
    }
  }
  return { has: (kind, namespace, name) => names.has(`${kind}\0${namespace}\0${name}`) }
}
