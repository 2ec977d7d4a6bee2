import type { NamespaceFileMapping } from './inputs/declared.js'
import type { DiffOmission, ResourceChange } from './plan.js'
import type { Layout } from './settings.js'

/** What a plan's drift was measured against (docs/drift.md#drift-by-default). */
export interface DriftBase {
  /**
   * The pull request's base, the commit before the push, the CLI's `--base`, or each namespace's last deployed
   * commit (its commit marker).
   */
  from: 'pull-request' | 'push' | 'base-flag' | 'deployed'
  /** Namespace → the commit its server copies were compared with. */
  commits: ReadonlyMap<string, string>
  /** Namespace → why it was not compared. */
  unchecked: ReadonlyMap<string, string>
  /** Read through GitHub's contents API, the checkout lacking the commit: only the files the plan changes. */
  api?: true
}

/** How a resource differs in Kestra from the default branch (docs/drift.md#what-counts-as-drift). */
export type DriftKind = 'edited' | 'only-in-kestra' | 'deleted-in-kestra'

export interface DriftedResource {
  change: ResourceChange
  /** `namespace.id` or `namespace:/path`. */
  name: string
  kind: DriftKind
  /** Unified diff from Git's copy to Kestra's; undefined when binary or too large. */
  diff?: string
  diffOmitted?: DiffOmission
  /** The flow revision Kestra holds, and when it was saved where Kestra records it. */
  revision?: number
  updated?: string
}

export interface RepositoryShape {
  layout: Layout
  /** Root relative to the workspace ('' when equal). */
  rootRel: string
  namespace?: string
  mappings: readonly NamespaceFileMapping[]
  /** Every repository flow file, workspace-relative, with the namespace it declares. */
  flowFiles: readonly { file: string; namespace: string }[]
  /** Every path the planned commit holds (workspace-relative): a new file never replaces one. */
  paths: ReadonlySet<string>
  /** What the run's layout would read from a repository file holding `content` (docs/drift.md). */
  readBack(path: string, content: Uint8Array): ReadBack
}

/** A resource as a repository file names it: its kind, its name as `resourceName` gives it, and in words. */
interface ReadResource {
  kind: string
  name: string
  /** `the flow company.team.a` */
  said: string
}

/** What a repository file would be read as (none: the layout reads nothing there), or why it is not read. */
export type ReadBack = { resources: ReadResource[] } | { reason: string }
