import { execFile, spawn } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A full object id (SHA-1 or SHA-256). Anything else is refused, so nothing reads as an option. */
const OBJECT_ID = /^[0-9a-f]{4,64}$/i

export interface TreeBlob {
  /** Relative to the listed folder, '/'-separated. */
  path: string
  oid: string
  symlink: boolean
  /** Bytes of the blob. */
  size: number
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024
    })
    return stdout
  } catch {
    return undefined
  }
}

/**
 * The files under `folder` (relative to `workspace`) as committed in `sha`, from git's object store;
 * empty when the commit has no such folder, undefined when the commit is not in the local history.
 */
export async function listCommitFolder(input: {
  workspace: string
  sha: string
  folder: string
}): Promise<TreeBlob[] | undefined> {
  const { workspace, sha } = input
  if (!OBJECT_ID.test(sha)) return undefined
  if ((await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])) === undefined) return undefined
  const prefix = (await git(workspace, ['rev-parse', '--show-prefix']))?.trim() ?? ''
  const treePath = `${prefix}${input.folder}`.replace(/\/+$/, '')
  const tree = treePath === '' ? `${sha}^{tree}` : `${sha}:${treePath}`
  if ((await git(workspace, ['cat-file', '-t', tree]))?.trim() !== 'tree') return []
  const listing = await git(workspace, ['ls-tree', '-r', '-l', '-z', '--full-tree', tree])
  if (listing === undefined) throw new Error(`git ls-tree failed for commit ${sha}`)
  return parseTree(listing)
}

export interface WorktreeChanges {
  /** Paths under the folder (relative to it) whose work-tree content is not the commit's. */
  changed: Set<string>
  /** An untracked (or git-ignored) `.kestraignore` exists under the folder. */
  untrackedIgnoreFile: boolean
}

/**
 * How the work tree differs from commit `sha` under `folder`, as git sees it (its index caches
 * file stats, so unchanged files are not read). Undefined when git cannot tell.
 */
export async function worktreeChanges(input: {
  workspace: string
  sha: string
  folder: string
  ignoreFile: string
}): Promise<WorktreeChanges | undefined> {
  const { workspace, sha, folder } = input
  if (!OBJECT_ID.test(sha)) return undefined
  const pathspec = folder === '' ? '.' : folder
  const diff = await git(workspace, [
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    '--relative',
    sha,
    '--',
    pathspec
  ])
  const untracked = await git(workspace, [
    'ls-files',
    '-z',
    '--others',
    '--',
    `:(glob)${folder === '' ? '' : `${folder}/`}**/${input.ignoreFile}`
  ])
  if (diff === undefined || untracked === undefined) return undefined
  const strip = folder === '' ? '' : `${folder}/`
  const changed = new Set<string>()
  for (const path of diff.split('\0')) {
    if (path !== '' && path.startsWith(strip)) changed.add(path.slice(strip.length))
  }
  return { changed, untrackedIgnoreFile: untracked !== '' }
}

/** `git ls-tree -l` records: `<mode> <type> <oid> <size>\t<path>`. */
function parseTree(listing: string): TreeBlob[] {
  const blobs: TreeBlob[] = []
  for (const record of listing.split('\0')) {
    const tab = record.indexOf('\t')
    if (tab === -1) continue
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/)
    const path = record.slice(tab + 1)
    // Submodules (type commit) have no content here; unsafe paths are never written.
    if (type !== 'blob' || !oid || !isSafePath(path)) continue
    blobs.push({ path, oid, symlink: mode === '120000', size: Number(size) })
  }
  return blobs
}

function isSafePath(path: string): boolean {
  return path
    .split('/')
    .every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git')
}

/** Files written at once when copying a commit. */
const WRITES_AT_ONCE = 16

/**
 * Writes the blobs (from `listCommitFolder`) under `destination`, raw (no checkout filters),
 * streaming every distinct blob once through `git cat-file --batch`.
 */
export async function writeCommitBlobs(
  workspace: string,
  blobs: TreeBlob[],
  destination: string
): Promise<void> {
  const pathsByOid = new Map<string, TreeBlob[]>()
  for (const blob of blobs) {
    const same = pathsByOid.get(blob.oid)
    if (same) same.push(blob)
    else pathsByOid.set(blob.oid, [blob])
  }
  const oids = [...pathsByOid.keys()]
  if (oids.length === 0) return
  const child = spawn('git', ['cat-file', '--batch'], {
    cwd: workspace,
    stdio: ['pipe', 'pipe', 'ignore']
  })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  child.stdin.end(oids.map((oid) => `${oid}\n`).join(''))

  const reader = new BatchReader()
  const folders = new Map<string, Promise<unknown>>()
  const writing = new Set<Promise<void>>()
  const write = async (blob: TreeBlob, content: Buffer) => {
    const target = join(destination, blob.path)
    const folder = dirname(target)
    let made = folders.get(folder)
    if (!made) folders.set(folder, (made = mkdir(folder, { recursive: true })))
    await made
    if (blob.symlink) await symlink(content.toString('utf8'), target)
    else await writeFile(target, content)
  }
  let written = 0
  for await (const chunk of child.stdout) {
    reader.push(chunk as Buffer)
    for (let object = reader.next(); object; object = reader.next()) {
      for (const blob of pathsByOid.get(object.oid) ?? []) {
        // A few writes at once; more would only hold blobs in memory while the disk catches up.
        while (writing.size >= WRITES_AT_ONCE) await Promise.race(writing)
        const done: Promise<void> = write(blob, object.content).then(() => {
          writing.delete(done)
        })
        done.catch(() => undefined) // the failure surfaces in the race or the final wait
        writing.add(done)
      }
      written++
    }
  }
  await Promise.all(writing)
  const code = await exited
  if (code !== 0 || written !== oids.length) {
    throw new Error(`git cat-file could not read the commit's files (exit code ${code})`)
  }
}

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` per object. */
class BatchReader {
  private chunks: Buffer[] = []
  private length = 0
  private header?: { oid: string; contentStart: number; contentEnd: number }

  push(chunk: Buffer) {
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  next(): { oid: string; content: Buffer } | undefined {
    if (!this.header) {
      const buffer = this.joined()
      const newline = buffer.indexOf(0x0a)
      if (newline === -1) return undefined
      const [oid, type, size] = buffer.subarray(0, newline).toString('utf8').split(' ')
      if (type !== 'blob' || size === undefined) {
        throw new Error(`git cat-file returned an unexpected object: ${oid} ${type}`)
      }
      const contentStart = newline + 1
      this.header = { oid: oid!, contentStart, contentEnd: contentStart + Number(size) }
    }
    const { oid, contentStart, contentEnd } = this.header
    // Joined only once the whole object has arrived, so a large blob is copied once.
    if (this.length < contentEnd + 1) return undefined
    const buffer = this.joined()
    const content = Buffer.from(buffer.subarray(contentStart, contentEnd))
    this.chunks = [buffer.subarray(contentEnd + 1)]
    this.length = buffer.length - contentEnd - 1
    this.header = undefined
    return { oid, content }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)]
    return this.chunks[0] ?? Buffer.alloc(0)
  }
}
