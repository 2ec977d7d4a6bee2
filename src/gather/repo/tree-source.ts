import type { ContentSummary } from '../../model/content.js'

export type EntryKind = 'file' | 'folder' | 'symlink' | 'other'

/** One entry of a folder listing. */
export interface TreeEntry {
  name: string
  kind: EntryKind
}

/** What a symbolic link under root leads to, decided without reading anything outside root. */
export type LinkTarget =
  | { kind: 'file'; target: string; bytesPath: string }
  | { kind: 'folder'; escapes: boolean; reason?: string }
  | { kind: 'escapes'; reason: string }
  | { kind: 'other' }

/**
 * The files under the root folder at one version of the repository: the work tree (`work-tree.ts`)
 * or a commit (`git-tree.ts`). Paths are relative to root, '/'-separated ('' is root itself).
 */
export interface TreeSource {
  /** Absolute path of the workspace (what `file` paths are relative to). */
  readonly workspace: string
  /** Root relative to the workspace ('' when equal). */
  readonly rootRel: string
  /** Whether root is a folder that can be read at all. */
  hasRoot(): Promise<boolean>
  /** A folder's entries; rejects when the folder cannot be listed. */
  list(dirRel: string): Promise<TreeEntry[]>
  /** The kind of one entry, links not followed; undefined when nothing is there. */
  kind(rel: string): Promise<EntryKind | undefined>
  /** The bytes of a regular file. */
  read(rel: string): Promise<Buffer>
  /** Size, SHA-256 and binary flag of a regular file (read once, as a stream when large). */
  summarise(rel: string): Promise<ContentSummary>
  /**
   * The git blob a regular file's bytes are, when the tree can vouch for it without reading them
   * (docs/performance.md#what-a-plan-knows-without-reading).
   */
  blob(rel: string): Promise<string | undefined>
  /** What the symbolic link at `rel` leads to; `rules` say which paths are out of bounds. */
  resolveLink(rel: string, rules: PathExclusions): Promise<LinkTarget>
  /** Where a file's bytes can be read once the load is over ('' when they cannot: a commit). */
  bytesPath(rel: string): string
  /** Whether `.gitignore` files apply (the tree is under version control). */
  versioned(): Promise<boolean>
}

/** `rel` under `dirRel`. */
export function childOf(dirRel: string, name: string): string {
  return dirRel === '' ? name : `${dirRel}/${name}`
}

/** The ignore rules as a tree source consults them (IgnoreRules implements it). */
interface PathExclusions {
  excludesPath(rel: string): Promise<boolean>
}
