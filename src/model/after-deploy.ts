import type { SmokeFlow } from './inputs/smoke-flows.js'

export interface SmokeReport {
  runs: SmokeRun[]
  passed: boolean
  /** From the first start to the last verdict, in ms: never past the smoke timeout. */
  elapsedMs: number
}

export interface SmokeRun {
  flow: Pick<SmokeFlow, 'namespace' | 'id'>
  /** Absent when the execution could not start. */
  executionId?: string
  /** The last state seen (terminal unless timed out). */
  state?: string
  verdict: 'passed' | 'failed' | 'timed-out'
  /** From the execution's start to its end (or to the deadline), in ms. */
  durationMs?: number
  /** The execution in the Kestra UI. */
  url?: string
  /** Why it failed to start or to be read. */
  message?: string
}

export interface RestoreResult {
  item: RestoreItem
  /** What the deploy had done. */
  did: 'created' | 'updated' | 'deleted'
  result: RestoreOutcome
  /** What the restore did, or why the resource stays at the deployed version. */
  message: string
  /** A write was sent (false: already back, kept, or failed before writing). */
  wrote: boolean
}

export type RestoreOutcome = 'restored' | 'kept' | 'failed'

/** The resource's name as reports write it: `namespace.id`, `namespace:/path`, or a tenant-wide `id`. */
export function itemName({ namespace, resource }: RestoreItem): string {
  if (resource.kind === 'tenant-wide') return resource.id
  return resource.kind === 'flow' ? `${namespace}.${resource.id}` : `${namespace}:${resource.path}`
}

/** The kind a report names a restored resource by (`flow`, `file`, or a tenant-wide resource's kind). */
export function itemKind({ resource }: RestoreItem): string {
  return resource.kind === 'tenant-wide' ? resource.of : resource.kind
}

export interface RollbackResult {
  /** The commit whose deploy was undone. */
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
 * KV key, next to the deployed-commit marker, of a rollback in progress in that namespace: written before
 * the first restore, removed once nothing is left that a re-run could still put back (docs/rollback.md).
 */
export const ROLLBACK_RECORD_KEY = 'kestra-gitops-rollback'

/** One resource to put back, and its previous content when this run holds it. */
export interface RestoreItem {
  /** '' for a tenant-wide resource. */
  namespace: string
  resource: RecordedResource
  previous?: string | Uint8Array
}

export interface MarkerRestore {
  namespace: string
  /** `kept`: the rollback is incomplete, so the marker still names the deployed commit. */
  result: 'restored' | 'kept' | 'failed'
  message: string
  /** A write was sent (false: it already held its previous value). */
  wrote: boolean
}

/**
 * `true`: everything back as before, markers included; `partial`: some of it; `false`: none
 * (docs/rollback.md#the-outcome).
 */
export type RolledBack = 'true' | 'partial' | 'false'

/** A flow's version, by the revision that holds it and the hash of its comparable source. */
interface FlowVersion {
  revision: number
  sha256: string
}

/** A file's version, by its bytes' hash; `revision` (Kestra 1.2+) or `bytes` (base64) say where they are. */
export interface FileVersion {
  sha256: string
  size: number
  revision?: number
  bytes?: string
}

/**
 * A version of a tenant-wide resource as its kind records it (docs/kinds.md): the hashes it compares by,
 * opaque to the pipeline, and the text it puts back when the record's budget allows (else only the run that
 * deployed holds it).
 */
export interface KindVersion {
  hashes: Readonly<Record<string, string>>
  text?: string
}

/** What the deploy did to one resource. `before` absent: the deploy created it; `deployed` absent: deleted it. */
export type RecordedResource =
  | { kind: 'flow'; id: string; before?: FlowVersion; deployed?: FlowVersion }
  | { kind: 'file'; path: string; before?: FileVersion; deployed?: { sha256: string } }
  /** A tenant-wide resource (a dashboard): `of` names its kind, which records and restores it. */
  | { kind: 'tenant-wide'; of: string; id: string; before?: KindVersion; deployed?: KindVersion }
