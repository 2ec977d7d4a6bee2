import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats
} from 'node:fs'
import { lstat, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { TextDecoder } from 'node:util'
import { MAX_FILE_BYTES, summaryOf, type ContentSummary } from '../../model/content.js'
import type { IgnoreRules } from './ignore-rules.js'
import type { IndexBlobs } from './git.js'
import type { EntryKind, LinkTarget, TreeEntry, TreeSource } from './tree-source.js'

export class WorkTree implements TreeSource {
  readonly workspace: string
  readonly rootRel: string
  private readonly root: string
  private rootReal?: Promise<string | undefined>
  /**
   * `root`: the input, relative to the workspace; `index`: what git's index vouches for under root, when asked.
   */
  constructor(
    workspace: string,
    root: string,
    private readonly index?: Promise<IndexBlobs | undefined>
  ) {
    this.workspace = resolve(workspace)
    this.root = resolve(this.workspace, root)
    this.rootRel = relative(this.workspace, this.root).split(sep).join('/')
  }

  // Synchronous, as `versioned` and `real`: a few quick system calls, which a thread pool busy with the run's
  // reads would keep the walk waiting for.
  async hasRoot(): Promise<boolean> {
    const real = await this.real()
    return real !== undefined && statSync(real).isDirectory()
  }

  // Synchronous: a folder's listing is one quick system call, and a round trip through the thread pool for
  // each of a repository's folders keeps the walk, and the namespaces it reveals, waiting.
  async list(dirRel: string): Promise<TreeEntry[]> {
    const dirents = readdirSync(join(this.root, dirRel), { withFileTypes: true })
    const entries = dirents.map((dirent) => ({ name: dirent.name, kind: kindOf(dirent) }))
    // Some file systems do not report the type in the listing: those entries are asked of lstat.
    const untyped = entries.filter((entry) => entry.kind === undefined)
    await Promise.all(
      untyped.map(async (entry) => {
        const stats = await lstat(join(this.root, dirRel, entry.name)).catch(() => undefined)
        entry.kind = (stats && kindOf(stats)) ?? 'other'
      })
    )
    return entries as TreeEntry[]
  }

  // A path reached through a linked folder (`_global/dashboards` with `_global` a link) is that link's: it
  // is a link, never followed (docs/layouts.md#symbolic-links).
  async kind(rel: string): Promise<EntryKind | undefined> {
    const parts = rel.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const stats = lstatOrUndefined(join(this.root, ...parts.slice(0, i)))
      if (!stats) return undefined
      if (i === parts.length || stats.isSymbolicLink()) return kindOf(stats) ?? 'other'
    }
    return undefined
  }

  // Synchronous: flow files are small, and the thread pool is slower for thousands of them.
  async read(rel: string): Promise<Buffer> {
    return readFileSync(join(this.root, rel))
  }

  /**
   * Size, SHA-256 and binary flag of a regular file, opened once without following a link and read once (as a
   * stream when large). One over MAX_FILE_BYTES, which cannot be deployed, is judged by its size alone.
   */
  async summarise(rel: string): Promise<ContentSummary> {
    // Synchronous for small files: one thread-pool trip per system call costs more than the read. The size
    // is asked of the file opened (never following a link that appeared since the walk), not of its path.
    const fd = openSync(join(this.root, rel), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    try {
      const { size } = fstatSync(fd)
      if (size > MAX_FILE_BYTES) return { size, sha256: '', binary: true }
      if (size > WHOLE_READ_LIMIT) return await summariseStream(fd)
      return summaryOf(readFileSync(fd))
    } finally {
      closeSync(fd)
    }
  }

  async blob(rel: string): Promise<string | undefined> {
    return (await this.index)?.blobOf(rel)
  }

  async resolveLink(rel: string, rules: IgnoreRules): Promise<LinkTarget> {
    const rootReal = (await this.real())!
    let realPath: string
    try {
      realPath = await realpath(join(this.root, rel))
    } catch (error) {
      const loops = (error as NodeJS.ErrnoException).code === 'ELOOP'
      return { kind: 'escapes', reason: loops ? 'it loops' : 'its target does not exist' }
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
      if (lstatOrUndefined(join(dir, '.git'))) return true
      if (resolve(dir, '..') === dir) return false
    }
  }

  private real(): Promise<string | undefined> {
    this.rootReal ??= new Promise<string | undefined>((found) =>
      found(realpathSync(this.root))
    ).catch(() => undefined)
    return this.rootReal
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}

async function escapeReason(target: string, rules: IgnoreRules): Promise<string | undefined> {
  if (target === '') return 'it points to the root folder itself'
  if (target === '..' || target.startsWith(`..${sep}`) || isAbsolute(target)) {
    return 'it points outside the root folder'
  }
  return excludedReason(target.split(sep).join('/'), rules)
}

/** Excluded paths include .git, whose config may hold credentials (actions/checkout keeps the token there). */
export async function excludedReason(target: string, rules: IgnoreRules) {
  return (await rules.pathExcludedBy(target)) === undefined
    ? undefined
    : 'it points to a path excluded by .kestraignore, a dot-folder or .git'
}

/** Undefined when a listing does not report the type (some file systems): lstat then tells. */
function kindOf(entry: Dirent | Stats): EntryKind | undefined {
  if (entry.isSymbolicLink()) return 'symlink'
  if (entry.isDirectory()) return 'folder'
  if (entry.isFile()) return 'file'
  const special =
    entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()
  return special ? 'other' : undefined
}

const WHOLE_READ_LIMIT = 4 * 1024 * 1024

async function summariseStream(fd: number): Promise<ContentSummary> {
  const hash = createHash('sha256')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let size = 0
  let binary = false
  const stream = createReadStream('', { fd, autoClose: false, highWaterMark: 1024 * 1024 })
  for await (const bytes of stream as AsyncIterable<Buffer>) {
    size += bytes.length
    hash.update(bytes)
    if (!binary) binary = bytes.includes(0) || !decodes(decoder, bytes)
  }
  if (!binary) binary = !decodes(decoder)
  return { size, sha256: hash.digest('hex'), binary }
}

function decodes(decoder: TextDecoder, bytes?: Uint8Array): boolean {
  try {
    if (bytes) decoder.decode(bytes, { stream: true })
    else decoder.decode()
    return true
  } catch {
    return false
  }
}
