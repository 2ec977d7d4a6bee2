import type { Dirent } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { IGNORE_FILE, type IgnoreRules } from './ignore-rules.js'
import type { SearchScope } from './search-scope.js'

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
  rootAbs: string
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
  let dirents: Dirent[]
  try {
    dirents = await options.limit(() =>
      readdir(join(options.rootAbs, dirRel), { withFileTypes: true })
    )
  } catch (error) {
    result.unreadable.push({ rel: dirRel, message: (error as Error).message })
    return
  }
  const ignoreFile = dirents.find((dirent) => dirent.name === IGNORE_FILE)
  // A listing without the entry's type leaves the rules to look for themselves.
  if (
    !ignoreFile ||
    ignoreFile.isFile() ||
    ignoreFile.isSymbolicLink() ||
    ignoreFile.isDirectory()
  ) {
    options.rules.knowListing(dirRel, ignoreFile?.isFile() === true)
  }
  const inLayout = dirRel === '' || options.mayContain(dirRel)
  const listing = options.search?.knowListing(dirRel, new Set(dirents.map((d) => d.name)))
  if (listing?.virtualEnv && !inLayout) return
  const subfolders: Promise<void>[] = []
  for (const dirent of dirents) {
    const rel = dirRel === '' ? dirent.name : `${dirRel}/${dirent.name}`
    const kind = await kindOf(dirent, join(options.rootAbs, rel))
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

async function kindOf(dirent: Dirent, abs: string): Promise<'folder' | WalkEntry['kind']> {
  if (dirent.isSymbolicLink()) return 'symlink'
  if (dirent.isDirectory()) return 'folder'
  if (dirent.isFile()) return 'file'
  if (
    dirent.isFIFO() ||
    dirent.isSocket() ||
    dirent.isBlockDevice() ||
    dirent.isCharacterDevice()
  ) {
    return 'other'
  }
  // Some file systems do not report the type in the listing.
  const stats = await lstat(abs).catch(() => undefined)
  if (!stats) return 'other'
  return stats.isSymbolicLink()
    ? 'symlink'
    : stats.isDirectory()
      ? 'folder'
      : stats.isFile()
        ? 'file'
        : 'other'
}
