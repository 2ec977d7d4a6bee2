import type { SmokeFlow } from './inputs/declared.js'

export interface SmokeReport {
  runs: SmokeRun[]
  passed: boolean
  /** From the first start to the last verdict, in ms: never past the smoke timeout. */
  elapsedMs: number
}

export interface SmokeRun {
  flow: Pick<SmokeFlow, 'namespace' | 'id'>
  executionId?: string
  /** The last state seen (terminal unless timed out). */
  state?: string
  verdict: 'passed' | 'failed' | 'timed-out'
  /** From the execution's start to its end (or to the deadline), in ms. */
  durationMs?: number
  url?: string
  message?: string
}

export interface RestoreResult {
  item: RestoreItem
  did: 'created' | 'updated' | 'deleted'
  result: RestoreOutcome
  /** What the restore did, or why the resource stays at the deployed version. */
  message: string
  /** A write was sent (false: already back, kept, or failed before writing). */
  wrote: boolean
}

type RestoreOutcome = 'restored' | 'kept' | 'failed'

export interface RollbackResult {
  deployed: string
  /** In the order restored: the reverse of the deploy's order. */
  resources: RestoreResult[]
  markers: MarkerRestore[]
  rolledBack: RolledBack
  /** The records stay in the KV store: a re-run finishes what failed. */
  resumable: boolean
  /** Problems that change nothing on the server's side (a record that could not be removed). */
  warnings: string[]
  /** Nothing needed a write: the server already held every previous version (a record left behind). */
  stale: boolean
}

/**
 * KV key of a rollback in progress in that namespace: written before the first restore, removed once nothing is
 * left to put back (docs/rollback.md).
 */
export const ROLLBACK_RECORD_KEY = 'kestra-gitops-rollback'

export interface RestoreItem<R extends RecordedResource = RecordedResource> {
  namespace: string
  /** As reports name it: `namespace.id`, `namespace:/path`, a tenant-wide `id` (its kind says). */
  name: string
  resource: R
  previous?: string | Uint8Array
}

export interface MarkerRestore {
  namespace: string
  /** `kept`: the rollback is incomplete, so the marker still names the deployed commit. */
  result: RestoreOutcome
  message: string
  /** A write was sent (false: it already held its previous value). */
  wrote: boolean
}

/** `true`: everything back, markers included; `partial`: some; `false`: none (docs/rollback.md#the-outcome). */
export type RolledBack = 'true' | 'partial' | 'false'

/** What the deploy did to a resource, as its kind records and restores it (docs/rollback.md#the-record). */
export interface RecordedResource {
  kind: string
  /** Absent: the deploy created it. */
  before?: object
  /** Absent: the deploy deleted it. */
  deployed?: object
}
