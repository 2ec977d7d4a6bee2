import { createHash } from 'node:crypto'
import { posix, relative, resolve, sep } from 'node:path'
import { IGNORE_FILE, type IgnoreRules } from './ignore-rules.js'
import { summaryOf, type ContentSummary, MAX_FILE_BYTES } from '../../model/content.js'
import { EventLoopYielder } from '../../model/concurrency.js'
import {
  childOf,
  type EntryKind,
  type LinkTarget,
  type TreeEntry,
  type TreeSource
} from './tree-source.js'
import { excludedReason } from './work-tree.js'
import { git } from './git.js'
import { CatFileBatch } from './cat-file.js'

/** A full object id (SHA-1 or SHA-256). Anything else is refused, so nothing reads as an option. */
const OBJECT_ID = /^[0-9a-f]{4,64}$/i
/** Links followed in a row before a chain counts as a loop (as the kernel's ELOOP). */
const MAX_LINK_HOPS = 40

interface TreeBlob {
  kind: 'file' | 'symlink'
  oid: string
}

/**
 * The root folder as committed in one commit, read from git's object store without touching the
 * work tree: the tree is listed once (`git ls-tree`) and blobs are streamed on demand by one
 * `git cat-file --batch` process, which `close()` ends. Raw bytes: no checkout filters.
 */
export class GitTree implements TreeSource {
  private batch?: CatFileBatch
  private sizes?: Promise<ReadonlyMap<string, number>>

  private constructor(
    readonly workspace: string,
    readonly rootRel: string,
    private readonly listed: { sha: string; under: string },
    readonly blobs: ReadonlyMap<string, TreeBlob>,
    private readonly folders: ReadonlyMap<string, TreeEntry[]>,
    readonly workTreeChanges: WorktreeChanges | undefined
  ) {}

  /**
   * The tree of commit `sha` under `root` (relative to `workspace`); undefined when the commit is not in the local
   * history.
   */
  static async open(workspace: string, sha: string, root: string): Promise<GitTree | undefined> {
    if (!OBJECT_ID.test(sha)) return undefined
    const workspaceAbs = resolve(workspace)
    const rootRel = relative(workspaceAbs, resolve(workspaceAbs, root)).split(sep).join('/')
    // Paths are relative to the workspace: `under` is root's prefix, and a folder the commit lacks lists nothing.
    const under = rootRel === '' ? '' : `${rootRel}/`
    const [blobs, changes] = await Promise.all([
      listCommitFolder(workspaceAbs, sha, under),
      worktreeChanges(workspaceAbs, sha, under)
    ])
    const listed = { sha, under }
    return (
      blobs && new GitTree(workspaceAbs, rootRel, listed, blobs, await foldersOf(blobs), changes)
    )
  }

  async hasRoot(): Promise<boolean> {
    return true // a commit without the root folder is an empty tree
  }

  async list(dirRel: string): Promise<TreeEntry[]> {
    const entries = this.folders.get(dirRel)
    if (!entries) throw new Error(`no folder ${dirRel} in the commit`)
    return entries
  }

  async kind(rel: string): Promise<EntryKind | undefined> {
    return this.blobs.get(rel)?.kind ?? (this.folders.has(rel) ? 'folder' : undefined)
  }

  read(rel: string): Promise<Buffer> {
    const blob = this.blobs.get(rel)
    if (blob?.kind !== 'file') return Promise.reject(new Error(`no file ${rel} in the commit`))
    return this.object(blob.oid)
  }

  async summarise(rel: string): Promise<ContentSummary> {
    const size = (await this.sizesOfBlobs()).get(rel) ?? 0
    if (size > MAX_FILE_BYTES) return { size, sha256: '', binary: true }
    return summaryOf(await this.read(rel))
  }

  async blob(rel: string): Promise<string | undefined> {
    const blob = this.blobs.get(rel)
    return blob?.kind === 'file' ? blob.oid : undefined
  }

  /** Whether the commit holds exactly `bytes` as the file `rel`: hashed as git hashes a blob (SHA-1 or SHA-256). */
  holdsBytes(rel: string, bytes: Buffer): boolean {
    const blob = this.blobs.get(rel)
    if (blob?.kind !== 'file') return false
    const hash = createHash(blob.oid.length === 64 ? 'sha256' : 'sha1')
    return hash.update(`blob ${bytes.length}\0`).update(bytes).digest('hex') === blob.oid
  }

  /**
   * Each blob's size in bytes (of a link: its target's text), listed once when first asked: git reads every
   * object's header for it, which costs more than the listing itself when the objects are not packed.
   */
  private sizesOfBlobs(): Promise<ReadonlyMap<string, number>> {
    this.sizes ??= listCommitFolder(this.workspace, this.listed.sha, this.listed.under, true).then(
      (sized) => new Map([...(sized ?? [])].map(([path, blob]) => [path, blob.size ?? 0]))
    )
    return this.sizes
  }

  /** Links are resolved inside the commit's root folder: whatever lies outside it is unknown here. */
  async resolveLink(rel: string, rules: IgnoreRules): Promise<LinkTarget> {
    const real = await this.realPath(rel)
    if (typeof real !== 'string') return { kind: 'escapes', reason: real.reason }
    const reason =
      real === '' ? 'it points to the root folder itself' : await excludedReason(real, rules)
    const kind = real === '' ? 'folder' : await this.kind(real)
    if (kind === 'folder') return { kind: 'folder', escapes: reason !== undefined, reason }
    if (reason) return { kind: 'escapes', reason }
    return kind === 'file' ? { kind: 'file', target: real, bytesPath: '' } : { kind: 'other' }
  }

  bytesPath(): string {
    return ''
  }

  async versioned(): Promise<boolean> {
    return true
  }

  /** Ends the `cat-file` process (reads after this start another). */
  async close(): Promise<void> {
    const batch = this.batch
    this.batch = undefined
    await batch?.close()
  }

  private object(oid: string): Promise<Buffer> {
    return (this.batch ??= new CatFileBatch(this.workspace)).read(oid)
  }

  /** `rel` with every link on the way followed, relative to root; or why it cannot be. */
  private async realPath(rel: string): Promise<string | { reason: string }> {
    const outside = { reason: 'it points outside the root folder' }
    const missing = { reason: 'its target does not exist' }
    let pending = rel.split('/')
    const done: string[] = []
    for (let hops = 0; pending.length > 0;) {
      const segment = pending.shift()!
      const path = childOf(done.join('/'), segment)
      const blob = this.blobs.get(path)
      if (blob?.kind === 'symlink') {
        if (++hops > MAX_LINK_HOPS) return { reason: 'it loops' }
        const text = (await this.object(blob.oid)).toString('utf8')
        if (posix.isAbsolute(text)) return outside
        // Resolved from the workspace, so a path that leaves root and comes back stays inside.
        const from = posix.join(this.rootRel, done.join('/'), text)
        const inRoot = this.rootRel === '' ? from : posix.relative(this.rootRel, from)
        if (inRoot === '..' || inRoot.startsWith('../') || posix.isAbsolute(inRoot)) return outside
        done.length = 0
        pending = [...inRoot.split('/').filter((s) => s !== '' && s !== '.'), ...pending]
        continue
      }
      if (blob ? pending.length > 0 : !this.folders.has(path)) return missing
      done.push(segment)
    }
    return done.join('/')
  }
}

/** Each folder's entries, built a few ms at a time: thousands of files keep no server answer waiting. */
async function foldersOf(blobs: ReadonlyMap<string, TreeBlob>): Promise<Map<string, TreeEntry[]>> {
  const folders = new Map<string, TreeEntry[]>([['', []]])
  const add = (path: string, kind: EntryKind): void => {
    const slash = path.lastIndexOf('/')
    const dir = slash === -1 ? '' : path.slice(0, slash)
    let siblings = folders.get(dir)
    if (!siblings) {
      folders.set(dir, (siblings = []))
      add(dir, 'folder')
    }
    siblings.push({ name: path.slice(slash + 1), kind })
  }
  const yielder = new EventLoopYielder()
  for (const [path, blob] of blobs) {
    if (yielder.due()) await yielder.yieldTurn()
    add(path, blob.kind)
  }
  return folders
}

/**
 * The blobs under the folder `under` (relative to `workspace`, '' or ending in '/') as committed in `sha`, from
 * git's object store, paths made relative to it; empty when the commit has no such folder, undefined when the
 * commit is not in the local history. `git ls-tree` records, `<mode> <type> <oid>[ <size>]\t<path>`, are read
 * a few milliseconds at a time, as the folders are built.
 */
async function listCommitFolder(
  workspace: string,
  sha: string,
  under: string,
  sized = false
): Promise<Map<string, TreeBlob & { size?: number }> | undefined> {
  const listing = await git(workspace, [
    '--literal-pathspecs',
    'ls-tree',
    '-r',
    ...(sized ? ['-l'] : []),
    '-z',
    `${sha}^{commit}`,
    '--',
    under || '.'
  ])
  if (listing === undefined) return undefined
  const blobs = new Map<string, TreeBlob & { size?: number }>()
  const yielder = new EventLoopYielder()
  for (const record of listing.split('\0')) {
    if (yielder.due()) await yielder.yieldTurn()
    const tab = record.indexOf('\t')
    if (tab === -1 || !record.startsWith(under, tab + 1)) continue
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/)
    const path = record.slice(tab + 1 + under.length)
    // Submodules (type commit) have no content here; unsafe paths are never read.
    if (type !== 'blob' || !oid || !isSafePath(path)) continue
    const kind = mode === '120000' ? 'symlink' : 'file'
    blobs.set(path, sized ? { kind, oid, size: Number(size) } : { kind, oid })
  }
  return blobs
}

function isSafePath(path: string): boolean {
  return path
    .split('/')
    .every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git')
}

interface WorktreeChanges {
  /** Paths under the folder (relative to it) whose work-tree content is not the commit's. */
  changed: Set<string>
  untrackedIgnoreFile: boolean
  /** Whether the folder holds anything git does not track: a file, an ignored one, an empty folder. */
  untracked: boolean
}

/**
 * How the work tree differs from commit `sha` under the folder `under`, as git sees it (its index caches
 * file stats, so unchanged files are not read). Undefined when git cannot tell.
 */
async function worktreeChanges(
  workspace: string,
  sha: string,
  under: string
): Promise<WorktreeChanges | undefined> {
  const [diff, untrackedIgnoreFiles, untracked] = await Promise.all([
    git(workspace, [
      'diff',
      '--name-only',
      '-z',
      '--no-renames',
      '--relative',
      sha,
      '--',
      under || '.'
    ]),
    git(workspace, ['ls-files', '-z', '--others', '--', `:(glob)${under}**/${IGNORE_FILE}`]),
    // Ignored files count: the walk reads them. `--directory` lists an untracked folder once, not its files.
    git(workspace, ['ls-files', '-z', '--others', '--directory', '--', under || '.'])
  ])
  if (diff === undefined || untrackedIgnoreFiles === undefined || untracked === undefined) {
    return undefined
  }
  const changed = new Set<string>()
  for (const path of diff.split('\0')) {
    if (path !== '' && path.startsWith(under)) changed.add(path.slice(under.length))
  }
  return { changed, untrackedIgnoreFile: untrackedIgnoreFiles !== '', untracked: untracked !== '' }
}

/** The commit's committer time from the checkout, or undefined when git cannot tell (no history, no git). */
export async function commitTime(workspace: string, sha: string): Promise<Date | undefined> {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return undefined
  const shown = await git(workspace, ['show', '-s', '--format=%cI', sha])
  const time = shown === undefined ? NaN : Date.parse(shown.trim())
  return Number.isNaN(time) ? undefined : new Date(time)
}
