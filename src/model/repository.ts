import type { Document, LineCounter } from 'yaml'
import type { Layout } from './settings.js'
import { NAMESPACE_PATTERN } from './namespaces.js'
import type { ContentSummary } from './content.js'
import type { Severity } from './finding.js'

/** 1-based line and column in a file. */
export interface Position {
  line: number
  column: number
}

/** One flow file found in the repository, parsed with source positions. */
export interface FlowFile {
  /** Path relative to the workspace (GITHUB_WORKSPACE), '/'-separated: what annotations use. */
  file: string
  /** Path relative to the `root` input. */
  rel: string
  /** Raw text as read from disk (BOM and line endings untouched). */
  raw: string
  /** The text that is deployed and compared: BOM removed, CRLF/CR turned into LF. */
  source: string
  /** Every YAML document in the file (more than one is a validation error). */
  documents: Document.Parsed[]
  lineCounter: LineCounter
  /** `id` and `namespace` of the first document when they are plain strings. */
  id?: string
  namespace?: string
  /** The namespace the layout expects (folder namespace or `namespace` input); undefined for custom layouts. */
  expectedNamespace?: string
  /** A YAML file under a flows folder that has neither `id` nor `tasks`: reported and skipped. */
  notAFlow: boolean
  /** The top-level `type` of another Kestra kind (an App, a dashboard…): not a flow, skipped. */
  otherKind?: string
  /**
   * Whether it is fit to send to the server's validation, when a reused check already says so: it is then
   * never parsed for it (docs/performance.md#incremental-planning).
   */
  sendable?: boolean
}

/** One namespace file found in the repository. */
export interface NamespaceFileEntry extends ContentSummary {
  /** Source path relative to the workspace, '/'-separated. */
  file: string
  /** Path relative to the `root` input. */
  rel: string
  namespace: string
  /** Path in Kestra's namespace storage, starting with '/'. */
  path: string
  /** The entry is a symbolic link (its target is never followed outside `root`). */
  symlink: boolean
  /** For a symlink: it resolves outside `root` (or is dangling, or loops). */
  symlinkEscapes: boolean
  /**
   * The git blob the file's bytes are, when git vouches for it (docs/performance.md#what-a-plan-knows-without-reading):
   * tracked, unchanged since the index, and checked out without any conversion.
   */
  blob?: string
  /**
   * Absolute path to read the bytes from (the resolved target for a safe symlink); '' in a model
   * read from a commit (loadRepositoryAtCommit), whose bytes are not kept: compare by sha256.
   */
  absPath: string
}

/** What the repository declares, as read from disk. Data only: validation comes later. */
export interface RepoModel {
  /** Absolute path of the workspace. */
  workspace: string
  /** Absolute path of the `root` folder. */
  root: string
  /** Root relative to the workspace ('' when equal). */
  rootRel: string
  /** The layout the repository was read with, and why. */
  layout: ChosenLayout
  flows: FlowFile[]
  files: NamespaceFileEntry[]
  /** Namespaces the repository holds at least one resource for, plus the `namespaces` input. */
  managedNamespaces: string[]
  /** Problems found while reading (unreadable file, symlink loop…), reported as findings. */
  readProblems: ReadProblem[]
}

export interface ReadProblem {
  severity: Severity
  file: string
  line?: number
  message: string
  /** The finding's rule id when it is not the generic `read`. */
  rule?: string
}

/** The rule id of `nothingFound`: about the run, not about a file, so never demoted on a pull request. */
export const NOTHING_FOUND = 'nothing-found'

/** The rule id of a folder an input names that does not exist: about the inputs, so never demoted either. */
export const MISSING_FOLDER = 'missing-folder'

/** The layout a repository is read with, and why. */
export interface ChosenLayout {
  layout: Layout
  reason: string
  /**
   * The `files/<namespace>/` folders `auto` reads as namespace files (docs/layouts.md#files-folders-found-by-auto),
   * relative to root.
   */
  fileFolders?: readonly FileFolder[]
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
