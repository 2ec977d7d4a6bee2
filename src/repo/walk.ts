import { IGNORE_FILE, type IgnoreRules } from './ignore-rules.js'
import type { SearchScope } from './search-scope.js'
import { childOf, type TreeEntry, type TreeSource } from './tree-source.js'

export interface WalkEntry {
  /** Relative to root, '/'-separated. */
  rel: string
  kind: 'file' | 'symlink' | 'other'
}

export interface WalkResult {
  entries: WalkEntry[]
  /** Folders that could not be listed, by path relative to root. */
  unreadable: { rel: string; message: string }[]
}

export interface WalkOptions {
  tree: TreeSource
  rules: IgnoreRules
  /** Folders for which this is false are not entered, unless `search` enters them. */
  mayContain(dirRel: string): boolean
  /** Where flow documents are searched for beyond the layout's folders. */
  search?: SearchScope
  limit<R>(task: () => Promise<R>): Promise<R>
}

/** Lists the files under root that are not excluded; symbolic links are listed, never entered. */
export async function walkTree(options: WalkOptions): Promise<WalkResult> {
  const result: WalkResult = { entries: [], unreadable: [] }
  await walkFolder('', options, result)
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
  for (const { name, kind } of entries) {
    const rel = childOf(dirRel, name)
    if (await options.rules.excludes(rel, kind === 'folder')) continue
    if (kind === 'folder') {
      if (options.mayContain(rel) || (await options.search?.enters(rel))) {
        subfolders.push(walkFolder(rel, options, result))
      }
    } else {
      result.entries.push({ rel, kind })
    }
  }
  await Promise.all(subfolders)
}
