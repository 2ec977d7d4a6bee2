import type { ContentSummary } from './content.js'
import type { NameReference } from './names.js'
import type { FlowReference } from './references.js'

export type PlanAction = 'create' | 'update' | 'delete' | 'orphaned' | 'unchanged'

/** What every kind's change holds; a kind's change type extends it (docs/kinds.md). */
export interface ChangeBase {
  /** '' for a tenant-wide resource (it then has a `section`). */
  namespace: string
  /** The report section of a tenant-wide change, its kind's plural name (`Dashboards`). */
  section?: string
  /** What the kind says of this change on its line: why an orphan is kept, how the server's copy was compared. */
  remark?: string
  action: PlanAction
  /** A change's part of the plan fingerprint, hashed: a refused deploy can name the resource that moved. */
  digest?: string
  /** Workspace-relative. */
  file?: string
  /** The server copy differs from the repository's base commit too: someone changed it outside Git. */
  drifted: boolean
  /** What was done to it outside Git, when the plan can tell (docs/drift.md#the-uis-work-named). */
  outside?: OutsideGit
  /** Unified diff (3 lines of context) for text content; undefined when unchanged or binary. */
  diff?: string
  additions?: number
  deletions?: number
  /** Why content that changes has no `diff`. */
  diffOmitted?: DiffOmission
}

/**
 * What was done outside Git, decided from what the base commit held and what the server holds now
 * (docs/drift.md#the-uis-work-named): `deleted` (the base held it, the server lacks it), `created` (the server holds
 * it, the base lacked it), `edited`, `disabled` or `enabled` (the flow's `disabled` differs from the base's), `draft`
 * (2.0: its latest revision is a draft saved in the UI).
 */
export type OutsideGit = 'deleted' | 'created' | 'edited' | 'disabled' | 'enabled' | 'draft'

/** `binary`: no text diff possible; `too-large`: content past the diff limits, only line counts. */
export type DiffOmission = 'binary' | 'too-large'

export interface FlowChange extends ChangeBase {
  kind: 'flow'
  id: string
  /** Normalised source to deploy (create/update/unchanged). */
  desired?: string
  /** What the server holds (update/delete/orphaned/unchanged), and when it was saved where Kestra says. */
  current?: { source: string; revision: number; updated?: string }
  /** Callers and trigger changes (docs/impact.md), when there are any. */
  impact?: FlowImpact
  /** What would fail at run time (docs/caught-at-review.md), when there is any. */
  review?: FlowReview
}

/** What the plan caught that Kestra checks only when the flow runs (docs/caught-at-review.md). */
interface FlowReview {
  /** Secret names and KV keys that the flow uses and the server does not define. */
  missing?: MissingName[]
  /** The flow's executions that are not terminated, oldest first. */
  unfinished?: UnfinishedExecution[]
}

export type MissingName = Pick<NameReference, 'kind' | 'name'>

export interface UnfinishedExecution {
  id: string
  state: string
  url: string
}

/** The review's search per flowKey, or the error it met (said in the plan, never thrown). */
export type UnfinishedReading = { byFlow: Map<string, UnfinishedExecution[]> } | { error: unknown }

/** What a flow change does beyond its own diff (docs/impact.md). */
export interface FlowImpact {
  /** Flows that call this one and stay after the deploy, sorted by namespace and id. */
  callers: FlowCaller[]
  /** Trigger and `disabled` changes in words, in the flow's trigger order. */
  triggers: TriggerChange[]
}

export interface FlowCaller {
  namespace: string
  id: string
  via: Extract<FlowReference, { kind: 'flow' }>['via']
  /** The caller is on the server only (the repository does not hold it). */
  serverOnly: boolean
  /** How its call no longer fits the flow's new inputs (docs/caught-at-review.md#subflow-contracts). */
  breaks?: string[]
}

export interface TriggerChange {
  text: string
  /** Next run of a changed `Schedule` cron after the planned commit's time, e.g. `2025-01-02 08:00 UTC`. */
  nextRun?: string
}

export interface FileChange extends ChangeBase {
  kind: 'file'
  /** Starts with '/'. */
  path: string
  desired?: ContentSummary
  current?: ContentSummary
  /** Server bytes as planned: what a rollback puts back (docs/rollback.md#what-is-restored-and-in-which-order). */
  previous?: Uint8Array
}

/**
 * Every kind's change type; a kind adds its own by declaration merging, editing no pipeline file (docs/kinds.md).
 */
export interface ResourceChanges {
  flow: FlowChange
  file: FileChange
}

export type ResourceChange = ResourceChanges[keyof ResourceChanges]

export type PlanCounts = Record<PlanAction, number> & { drifted: number }

export interface Plan {
  /** Deterministic order: namespace, kind (file before flow), id/path. */
  resources: ResourceChange[]
  /** Managed namespaces that were planned, sorted. */
  namespaces: string[]
  counts: PlanCounts
  /** Hex hash of the canonical plan (changes only), stable for identical inputs and server state. */
  fingerprint: string
}

/** `namespace.id` of a resource with an id, `namespace:path` of a namespace file, `id` when tenant-wide. */
export function resourceName(r: ResourceChange): string {
  if (r.kind === 'file') return `${r.namespace}:${r.path}`
  return r.namespace === '' ? r.id : `${r.namespace}.${r.id}`
}

export function countPlan(resources: readonly ResourceChange[]): PlanCounts {
  const counts: PlanCounts = {
    create: 0,
    update: 0,
    delete: 0,
    orphaned: 0,
    unchanged: 0,
    drifted: 0
  }
  for (const r of resources) {
    counts[r.action]++
    if (r.drifted) counts.drifted++
  }
  return counts
}

export function hasChanges(counts: PlanCounts): boolean {
  return counts.create + counts.update + counts.delete > 0
}

export function isWrite(change: Pick<ResourceChange, 'action'>): boolean {
  return change.action === 'create' || change.action === 'update' || change.action === 'delete'
}
