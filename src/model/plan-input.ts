import type { RemoteFile } from './kestra.js'
import { summaryOf, type ContentSummary } from './content.js'

export interface DesiredFlow {
  namespace: string
  id: string
  /** Normalised source: BOM stripped, LF line endings. */
  source: string
  /** Workspace-relative. */
  file: string
}

export interface DesiredFile extends ContentSummary {
  namespace: string
  /** Starts with '/'. */
  path: string
  /** The content, unless the server holds the same (no diff can need it then). */
  bytes?: Uint8Array
  file: string
}

export interface ServerFile {
  /** Starts with '/'. */
  path: string
  summary: ContentSummary
  /** The content, kept only when the repository's copy differs or is missing: what a diff shows. */
  bytes?: Uint8Array
  /** Its export entry's digest (`RemoteFile.digest`), when the run uses or records content facts. */
  digest?: string
}

/**
 * A managed namespace as the server holds it, by kind name: each kind's own copy (`GatherKind.server`), read by
 * that kind alone.
 */
export type ActualNamespace = ReadonlyMap<string, unknown>

/** A resource as a base commit held it: its namespace and file, with what its kind compares. */
export interface BaseResource {
  namespace: string
  file: string
}

/**
 * The repository at the base commit (PR base or push `before`, else each namespace's last deployed commit).
 */
export interface BaseSnapshot {
  /**
   * By kind name: what the base held of the kind, by the kind's key (`GatherKind.base`), each kind's records
   * read by that kind alone.
   */
  byKind: ReadonlyMap<string, ReadonlyMap<string, BaseResource>>
  /**
   * Drift by default (docs/drift.md#drift-by-default): each namespace compared with the commit it was last deployed
   * from; a namespace that `commits` does not name has no base. Undefined: one base commit for every namespace.
   */
  deployed?: DeployedBases
  /** Read through GitHub's contents API: only the files the plan changes, so absence proves nothing. */
  partial?: true
  /**
   * A drift run's base: the head itself, so each kind compares the server with what it wants
   * (docs/drift.md); nothing else is read.
   */
  head?: true
}

/** The head as its own base: what Kestra holds beyond it was done outside Git (`BaseSnapshot.head`). */
export function headBase(): BaseSnapshot {
  return { byKind: new Map(), head: true }
}

/** Each namespace's last deployed commit, read from its commit marker, or why there is none to compare with. */
export interface DeployedBases {
  /** Namespace (as sent) → the commit it was last deployed from, held by the checkout. */
  commits: ReadonlyMap<string, string>
  /** Namespace (as sent) → why it has no base. */
  unchecked: ReadonlyMap<string, string>
}

export interface PlanInput {
  /** Managed namespaces. Server resources of any other namespace are never planned. */
  namespaces: string[]
  /**
   * What the repository wants on the server, by kind name: each kind's own value (`GatherKind.desired`), read
   * by that kind's plan alone.
   */
  desired: ReadonlyMap<string, unknown>
  /** Server state per managed namespace; a missing entry means the namespace holds nothing. */
  actual: ReadonlyMap<string, ActualNamespace>
  scope: 'all' | 'changed'
  /** Workspace-relative paths changed by the PR or push; when undefined every file counts as changed. */
  changedFiles?: ReadonlySet<string>
  /** The repository at the base commit, when known: used for drift and for removed files. */
  base?: BaseSnapshot
  deleteEnabled: boolean
  diffLimits?: Partial<DiffLimits>
  /**
   * Server and tenant: in the fingerprint, so a plan reviewed against one server never deploys to another
   * (docs/plan.md#fingerprint).
   */
  against?: { server: string; tenant: string }
}

export interface DiffLimits {
  /** Either side longer than this (UTF-16 code units) is summarised instead of diffed. */
  maxChars: number
  /** Either side with more lines than this is summarised instead of diffed. */
  maxLines: number
  /** Diffs needing more edits than this are summarised: bounds the O(N·D) diff algorithm. */
  maxEdits: number
}

/**
 * A server file summarised, its bytes kept only when a diff may show them; an entry whose digest `known` holds
 * is never read (docs/performance.md#what-a-plan-knows-without-reading).
 */
export function serverFile(
  path: string,
  file: Pick<RemoteFile, 'size' | 'bytes' | 'digest'>,
  keepBytes: (summary: ContentSummary) => boolean,
  facts?: { known?: ReadonlyMap<string, ContentSummary> }
): ServerFile {
  const digest = facts ? file.digest?.() : undefined
  const fact = digest === undefined ? undefined : facts?.known?.get(digest)
  const known = fact?.size === file.size ? fact : undefined
  let bytes = known ? undefined : file.bytes()
  const summary = known ?? summaryOf(bytes!)
  if (!keepBytes(summary)) bytes = undefined
  else bytes ??= file.bytes()
  return { path, summary, ...(bytes && { bytes }), ...(digest !== undefined && { digest }) }
}

export type ChangedFiles =
  | { kind: 'all'; reason: string }
  | {
      kind: 'list'
      /** Workspace-relative, '/'-separated; both sides of a rename; deleted files included. */
      paths: Set<string>
      source: 'git' | 'api'
      /** Why the API was used instead of git. */
      note?: string
    }
