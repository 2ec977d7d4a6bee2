import { readFileSync, type Dirent, type Stats } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { IgnoreRules } from './ignore-rules.js'
import { summariseContent } from './namespace-files.js'
import type { EntryKind, LinkTarget, TreeEntry, TreeSource } from './tree-source.js'

/** The work tree on disk: what a run deploys. */
export class WorkTree implements TreeSource {
  readonly workspace: string
  readonly rootRel: string
  private readonly root: string
  private rootReal?: Promise<string | undefined>

  /** `root`: the `root` input, relative to the workspace. */
  constructor(workspace: string, root: string) {
    this.workspace = resolve(workspace)
    this.root = resolve(this.workspace, root)
    this.rootRel = relative(this.workspace, this.root).split(sep).join('/')
  }

  async hasRoot(): Promise<boolean> {
    const real = await this.real()
    return real !== undefined && (await stat(real)).isDirectory()
  }

  async list(dirRel: string): Promise<TreeEntry[]> {
    const dirents = await readdir(join(this.root, dirRel), { withFileTypes: true })
    return Promise.all(
      dirents.map(async (dirent) => ({
        name: dirent.name,
        kind: await kindOf(dirent, join(this.root, dirRel, dirent.name))
      }))
    )
  }

  async kind(rel: string): Promise<EntryKind | undefined> {
    const stats = await lstat(join(this.root, rel)).catch(() => undefined)
    return stats && statsKind(stats)
  }

  // Synchronous: flow files are small, and the thread pool is slower for thousands of them.
  async read(rel: string): Promise<Buffer> {
    return readFileSync(join(this.root, rel))
  }

  summarise(rel: string) {
    return summariseContent(join(this.root, rel))
  }

  async resolveLink(rel: string, rules: IgnoreRules): Promise<LinkTarget> {
    const rootReal = (await this.real())!
    let realPath: string
    try {
      realPath = await realpath(join(this.root, rel))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return {
        kind: 'escapes',
        reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist'
      }
    }
    const target = relative(rootReal, realPath)
    const reason = await escapeReason(target, rules)
    // stat only asks the kind of the target (a folder is reported, not followed); it reads no content.
    const stats = await stat(realPath).catch(() => undefined)
    if (stats?.isDirectory()) return { kind: 'folder', escapes: reason !== undefined, reason }
    if (reason) return { kind: 'escapes', reason }
    if (stats?.isFile()) {
      return { kind: 'file', target: target.split(sep).join('/'), bytesPath: realPath }
    }
    return { kind: 'other' }
  }

  bytesPath(rel: string): string {
    return join(this.root, rel)
  }

  async versioned(): Promise<boolean> {
    for (let dir = this.root; ; dir = resolve(dir, '..')) {
      if (
        await lstat(join(dir, '.git')).then(
          () => true,
          () => false
        )
      )
        return true
      if (resolve(dir, '..') === dir) return false
    }
  }

  private real(): Promise<string | undefined> {
    return (this.rootReal ??= realpath(this.root).catch(() => undefined))
  }
}

/** Why a link whose real target is `target` (relative to root's real path) is never followed. */
async function escapeReason(target: string, rules: IgnoreRules): Promise<string | undefined> {
  if (target === '') return 'it points to the root folder itself'
  if (target === '..' || target.startsWith(`..${sep}`) || isAbsolute(target)) {
    return 'it points outside the root folder'
  }
  return excludedReason(target.split(sep).join('/'), rules)
}

/** Excluded paths include .git, whose config may hold credentials (actions/checkout keeps the token there). */
export async function excludedReason(target: string, rules: IgnoreRules) {
  return (await rules.excludesPath(target))
    ? 'it points to a path excluded by .kestraignore, a dot-folder or .git'
    : undefined
}

async function kindOf(dirent: Dirent, abs: string): Promise<EntryKind> {
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
  return stats ? statsKind(stats) : 'other'
}

function statsKind(stats: Stats): EntryKind {
  if (stats.isSymbolicLink()) return 'symlink'
  if (stats.isDirectory()) return 'folder'
  return stats.isFile() ? 'file' : 'other'
}
