import type { DiffOmission, ResourceChange } from './plan.js'

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
