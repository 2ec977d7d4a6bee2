import type { ContentSummary } from '../../model/content.js'

export type EntryKind = 'file' | 'folder' | 'symlink' | 'other'

export interface TreeEntry {
  name: string
  kind: EntryKind
}

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
  readonly workspace: string
  /** '' when root is the workspace. */
  readonly rootRel: string
  hasRoot(): Promise<boolean>
  list(dirRel: string): Promise<TreeEntry[]>
  /** Links not followed; undefined when nothing is there. */
  kind(rel: string): Promise<EntryKind | undefined>
  read(rel: string): Promise<Buffer>
  summarise(rel: string): Promise<ContentSummary>
  /**
   * The git blob of a file's bytes, vouched for unread (docs/performance.md#what-a-plan-knows-without-reading).
   */
  blob(rel: string): Promise<string | undefined>
  resolveLink(rel: string, rules: PathExclusions): Promise<LinkTarget>
  /** Where a file's bytes can be read once the load is over ('' when they cannot: a commit). */
  bytesPath(rel: string): string
  versioned(): Promise<boolean>
}

export function childOf(dirRel: string, name: string): string {
  return dirRel === '' ? name : `${dirRel}/${name}`
}

interface PathExclusions {
  pathExcludedBy(rel: string): Promise<unknown>
}

/** A version of the repository a reader opens, closed by it once read. */
export type ClosableTree = TreeSource & { close(): Promise<void> }

/** What `read` finds in a tree, when there is one; the tree closed after. */
export async function readClosing<T extends ClosableTree, R>(
  opening: Promise<T | undefined> | undefined,
  read: (tree: T) => Promise<R>
): Promise<R | undefined> {
  const tree = await opening
  if (!tree) return undefined
  try {
    return await read(tree)
  } finally {
    await tree.close()
  }
}
