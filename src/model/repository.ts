import type { Document, LineCounter } from 'yaml'
import type { Layout } from './settings.js'
import { NAMESPACE_PATTERN } from './namespaces.js'
import type { ContentSummary } from './content.js'
import type { Severity } from './finding.js'
import type { DesiredFlow } from './plan-input.js'
import { flowKey } from './targets.js'

/** 1-based line and column in a file. */
export interface Position {
  line: number
  column: number
}

export interface FlowFile {
  /** Workspace-relative, '/'-separated: what annotations use. */
  file: string
  /** Relative to the `root` input. */
  rel: string
  /** As read from disk (BOM and line endings untouched). */
  raw: string
  /** What is deployed and compared: BOM removed, CRLF/CR turned into LF. */
  source: string
  /** More than one is a validation error. */
  documents: Document.Parsed[]
  lineCounter: LineCounter
  /** Of the first document, when plain strings. */
  id?: string
  namespace?: string
  /** Undefined for custom layouts. */
  expectedNamespace?: string
  /** A YAML file under a flows folder that has neither `id` nor `tasks`: reported and skipped. */
  notAFlow: boolean
  /** The top-level `type` of another Kestra kind (an App, a dashboard…): not a flow, skipped. */
  otherKind?: string
  /** A reused check says it is fit for server validation (docs/performance.md#incremental-planning). */
  sendable?: boolean
}

export interface NamespaceFileEntry extends ContentSummary {
  /** Workspace-relative, '/'-separated. */
  file: string
  rel: string
  namespace: string
  /** In Kestra's namespace storage, starting with '/'. */
  path: string
  /** Its target is never followed outside `root`. */
  symlink: boolean
  /** It resolves outside `root` (or dangles, or loops). */
  symlinkEscapes: boolean
  /** Set when git vouches for the bytes (docs/performance.md#what-a-plan-knows-without-reading). */
  blob?: string
  /** Where the bytes are read (a safe symlink's target); '' in a model read from a commit: compare by sha256. */
  absPath: string
}

/** What the repository declares, as read from disk; validation comes later. */
export interface RepoModel {
  workspace: string
  root: string
  /** '' when root is the workspace. */
  rootRel: string
  layout: ChosenLayout
  /**
   * What each kind found in the repository, by kind name: a value only that kind reads, through its own accessor
   * (docs/kinds.md#what-the-repository-holds). The walk places flows and namespace files here.
   */
  byKind: ReadonlyMap<string, unknown>
  /** Namespaces the repository holds at least one resource for, plus the `namespaces` input. */
  managedNamespaces: string[]
  readProblems: ReadProblem[]
}

export interface ReadProblem {
  severity: Severity
  file: string
  line?: number
  message: string
  rule?: string
}

/** The rule id of `nothingFound`: about the run, not about a file, so never demoted on a pull request. */
export const NOTHING_FOUND = 'nothing-found'

/** The rule id of a folder an input names that does not exist: about the inputs, so never demoted either. */
export const MISSING_FOLDER = 'missing-folder'

export interface ChosenLayout {
  layout: Layout
  reason: string
  /** Root-relative `files/<namespace>/` folders `auto` reads (docs/layouts.md#files-folders-found-by-auto). */
  fileFolders?: readonly FileFolder[]
  /** `files/<name>/` folders `auto` did not read for their name, each with why (docs/layouts.md#one-path-one-source). */
  unreadFileFolders?: readonly UnreadFileFolder[]
  /** The folders named after a kind's folder, found with the layout (docs/layouts.md#kind-folders). */
  kindFolders?: readonly KindFolder[]
}

/**
 * A folder named after a kind's folder (`kv`) holding YAML files (docs/layouts.md#kind-folders): the kind says
 * what it reads of it.
 */
export interface KindFolder {
  /** The kind's folder name. */
  name: string
  /** Root-relative. */
  dir: string
  /** The YAML files under it, root-relative, sorted (in its subfolders too). */
  files: string[]
  /**
   * The namespaces the flows beside it declare; undefined at root, where every flow is beside it. Empty when
   * no flow is beside it (`elsewhere`: what the repository's flows declare).
   */
  declared?: string[]
  elsewhere?: string[]
}

export interface UnreadFileFolder {
  dir: string
  why: string
}

/** A folder whose files are the namespace files of `namespace`, `dir/rest` stored at `/rest`. */
export interface FileFolder {
  dir: string
  namespace: string
}

/** A flow file the plan can deploy: a flow with a readable identity (its own errors are the gate's business). */
export function deployableFlow(flow: FlowFile): boolean {
  return (
    !flow.notAFlow &&
    flow.id !== undefined &&
    flow.namespace !== undefined &&
    NAMESPACE_PATTERN.test(flow.namespace)
  )
}

/** The flows the repository wants on the server: the first file declaring an identity wins. */
export function desiredFlows(
  flows: readonly FlowFile[],
  managedNamespaces: readonly string[]
): DesiredFlow[] {
  const managed = new Set(managedNamespaces)
  return [...firstDeclared(flows.filter((flow) => managed.has(flow.namespace!)))].map(
    ([, flow]) => ({
      namespace: flow.namespace!,
      id: flow.id!,
      source: flow.source,
      file: flow.file
    })
  )
}

/** Each deployable flow identity's first file, by flowKey. */
export function firstDeclared(flows: readonly FlowFile[]): Map<string, FlowFile> {
  const first = new Map<string, FlowFile>()
  for (const flow of flows.filter(deployableFlow)) {
    const key = flowKey(flow.namespace!, flow.id!)
    if (!first.has(key)) first.set(key, flow)
  }
  return first
}
