import { IGNORE_FILE, type IgnoreRule, type IgnoreRules } from './ignore-rules.js'
import type { SearchScope } from './search-scope.js'
import { childOf, type TreeEntry, type TreeSource } from './tree-source.js'

export interface WalkEntry {
  rel: string
  kind: 'file' | 'symlink' | 'other'
}

export interface HiddenEntry {
  rel: string
  isDir: boolean
  rule: IgnoreRule
}

/** A flow document (or a file a `flows` glob matches) that an ignore rule leaves out, and that rule. */
export type HiddenFlow = Omit<HiddenEntry, 'isDir'>

interface WalkResult {
  entries: WalkEntry[]
  unreadable: { rel: string; message: string }[]
  /** What ignore rules left out (not `.git` nor the ignore files, which no rule the user wrote leaves out). */
  hidden: HiddenEntry[]
}

interface WalkOptions {
  tree: TreeSource
  rules: Pick<IgnoreRules, 'excludedBy' | 'knowListing'> &
    Partial<Pick<IgnoreRules, 'settledVerdict'>>
  /** Folders for which this is false are not entered, unless `search` enters them. */
  mayContain(dirRel: string): boolean
  search?: SearchScope
  limit<R>(task: () => Promise<R>): Promise<R>
  /**
   * Called before each folder's entries: a commit's in-memory tree would otherwise keep server answers waiting.
   */
  breathe?(): Promise<void>
  onEntry?(entry: WalkEntry): void
  from?: string
}

export async function walkTree(options: WalkOptions): Promise<WalkResult> {
  const result: WalkResult = { entries: [], unreadable: [], hidden: [] }
  await walkFolder(options.from ?? '', options, result)
  return result
}

async function walkFolder(dirRel: string, options: WalkOptions, result: WalkResult) {
  let entries: TreeEntry[]
  try {
    entries = await options.limit(() => options.tree.list(dirRel))
  } catch (error) {
    result.unreadable.push({ rel: dirRel, message: (error as Error).message })
    return
  }
  const ignoreFile = entries.find((entry) => entry.name === IGNORE_FILE)
  options.rules.knowListing(dirRel, ignoreFile?.kind === 'file')
  const inLayout = dirRel === '' || options.mayContain(dirRel)
  const listing = options.search?.knowListing(dirRel, new Set(entries.map((e) => e.name)))
  if (listing?.virtualEnv && !inLayout) return
  const subfolders: Promise<void>[] = []
  await options.breathe?.()
  for (const { name, kind } of entries) {
    const rel = childOf(dirRel, name)
    const isDir = kind === 'folder'
    const settled = options.rules.settledVerdict?.(rel, isDir)
    const rule = settled ? settled.rule : await options.rules.excludedBy(rel, isDir)
    if (rule === 'fixed') continue
    if (rule) {
      if (kind === 'folder' || kind === 'file') result.hidden.push({ rel, isDir, rule })
      continue
    }
    if (kind !== 'folder') {
      const entry: WalkEntry = { rel, kind }
      result.entries.push(entry)
      options.onEntry?.(entry)
      continue
    }
    if (options.mayContain(rel)) {
      subfolders.push(walkFolder(rel, options, result))
    } else if (options.search) {
      const skipped = await options.search.skips(rel)
      if (skipped === undefined) subfolders.push(walkFolder(rel, options, result))
      else if (skipped !== 'dependencies') result.hidden.push({ rel, isDir, rule: skipped })
    }
  }
  await Promise.all(subfolders)
}
