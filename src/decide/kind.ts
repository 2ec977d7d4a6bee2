import { ActionError } from '../model/errors.js'
import type { Finding } from '../model/finding.js'
import type { DiffLimits, PlanInput } from '../model/plan-input.js'
import type { RepositoryShape } from '../model/drift.js'
import type { ResourceChange } from '../model/plan.js'

/** What a kind's plan is told of the run. */
export interface KindPlanOptions {
  deleteEnabled: boolean
  scope: 'all' | 'changed'
  /** Workspace-relative paths changed by the PR or push; undefined when every file counts as changed. */
  changedFiles: ReadonlySet<string> | undefined
  limits: DiffLimits
  /** What the run's one walk of the repository wants and the server holds (flows and namespace files plan from it). */
  input?: PlanInput
}

/**
 * What decide/ needs of a resource kind (docs/kinds.md): how its changes are named, ordered and written
 * into the plan file, and, for a kind whose reading is its own (`GatherKind`), its checks and its
 * changes from what it gathered. decide/ never names a kind: run/ hands it the registry's kinds.
 */
export interface DecideKind<C extends ResourceChange = ResourceChange, H = unknown> {
  /** The `kind` of its changes in a plan and in the plan file. */
  readonly name: C['kind']
  /** Where its changes sort inside a namespace: lower first (namespace files before the flows reading them). */
  readonly order: number
  /** Its row in the plan's counts table (docs/comment.md): `Flows`, `Namespace files`… */
  readonly label: string
  /**
   * What a change's line says of it beyond its diff's line counts (a flow's revision, a binary file's sizes):
   * Markdown-safe text, made of numbers and digests.
   */
  marks?(change: C): string[]
  /** What is said above a change's diff, each an escaped Markdown paragraph (a flow's callers, its review). */
  above?(change: C): string[]
  /**
   * What the `--json` document says of a change beyond its line (docs/cli.md#the-json-document), as data: a
   * flow's callers, trigger changes, missing names, executions not finished. Undefined when there is none.
   */
  review?(change: C): Record<string, unknown> | undefined
  /** The change's page in the Kestra UI whose base is `kestraUi` (docs/comment.md#links-to-kestra). */
  kestraPage?(change: C, kestraUi: string): string
  /** Its identity inside a namespace (a flow's id, a file's path): plans sort by it. */
  idOf(change: C): string
  /** The plan file's identity field of a change (`id`, `path`…). */
  planFileIdentity(change: C): Record<string, string>
  /** What else the plan file says of a change of this kind (a flow's current revision…). */
  planFileDetails(change: C): Record<string, string | number>
  /** What the plan's fingerprint holds of a change: what it writes and the server state it expects. */
  fingerprintOf(change: C): unknown[]
  /** Local and server findings on what the kind gathered (its `GatherKind`'s value). */
  validate?(held: H): Finding[]
  /** Its changes from what it gathered (undefined: nothing was); each tenant-wide change carries the kind's `section`. */
  plan?(held: H | undefined, options: KindPlanOptions): C[]
  /** The server's text of a change, as the drift watch shows it and brings it back to Git (docs/drift.md). */
  serverText?(change: C): string | undefined
  /**
   * Its resources share repository files (KV pairs: one file per namespace): `serverText` is then the
   * whole file as the server holds it, a resource deleted in Kestra included, and `file` names it.
   */
  readonly sharesFiles?: boolean
  /** Where the repository keeps such a resource when only the server holds it (docs/drift.md#the-drift-pull-request). */
  newPath?(change: C, shape: RepositoryShape): { path: string } | { reason: string }
}

/** The kind of a change, among those of the run. */
export function kindOf(kinds: readonly DecideKind[], change: ResourceChange): DecideKind {
  const kind = kinds.find((candidate) => candidate.name === change.kind)
  if (kind === undefined) {
    throw new ActionError(`no resource kind '${change.kind}' is registered (src/kinds/index.ts)`)
  }
  return kind
}
