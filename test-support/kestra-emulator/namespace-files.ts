/**
 * One namespace's file storage (docs/kestra.md#namespace-files): a directory tree with per-file
 * revisions. Uploads always add a revision; deletion leaves a tombstone so numbering continues; deleting
 * prunes emptied parent directories (root kept). Children are indexed so listing is O(children).
 */
export interface FileRecord {
  /** revisions[n - 1] holds revision n. */
  revisions: Buffer[]
  deleted: boolean
  created: number
  modified: number
}

interface DirRecord {
  created: number
  modified: number
  /** Full paths of direct children (files and directories). */
  children: Set<string>
}

export interface FileAttributes {
  fileName: string
  lastModifiedTime: number
  creationTime: number
  type: 'File' | 'Directory'
  size: number
  metadata: Record<string, never>
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}

export class NamespaceFiles {
  private readonly files = new Map<string, FileRecord>()
  private readonly dirs = new Map<string, DirRecord>()

  constructor(now: number) {
    this.dirs.set('/', { created: now, modified: now, children: new Set() })
  }

  isFile(path: string): boolean {
    const record = this.files.get(path)
    return record !== undefined && !record.deleted
  }

  isDirectory(path: string): boolean {
    return this.dirs.has(path)
  }

  /** Stores bytes as a new revision and returns its number. */
  put(path: string, bytes: Buffer, now: number): number {
    this.mkdir(parentOf(path), now)
    const record = this.files.get(path)
    if (record) {
      record.revisions.push(bytes)
      if (record.deleted) record.created = now
      record.deleted = false
      record.modified = now
    } else {
      this.files.set(path, { revisions: [bytes], deleted: false, created: now, modified: now })
    }
    this.linkToParent(path, now)
    return this.files.get(path)!.revisions.length
  }

  /** Bytes of the latest (or given) revision of a live file. */
  read(path: string, revision?: number): Buffer | undefined {
    const record = this.files.get(path)
    if (!record || record.deleted) return undefined
    if (revision === undefined) return record.revisions[record.revisions.length - 1]
    return record.revisions[revision - 1]
  }

  revisionCount(path: string): number | undefined {
    const record = this.files.get(path)
    return record && !record.deleted ? record.revisions.length : undefined
  }

  mkdir(path: string, now: number): void {
    if (this.dirs.has(path)) return
    this.mkdir(parentOf(path), now)
    this.dirs.set(path, { created: now, modified: now, children: new Set() })
    this.linkToParent(path, now)
  }

  attributes(path: string): FileAttributes | undefined {
    const name = path === '/' ? '_files' : path.slice(path.lastIndexOf('/') + 1)
    const dir = this.dirs.get(path)
    if (dir) {
      return {
        fileName: name,
        lastModifiedTime: dir.modified,
        creationTime: dir.created,
        type: 'Directory',
        size: 0,
        metadata: {}
      }
    }
    const record = this.files.get(path)
    if (!record || record.deleted) return undefined
    return {
      fileName: name,
      lastModifiedTime: record.modified,
      creationTime: record.created,
      type: 'File',
      size: record.revisions[record.revisions.length - 1].length,
      metadata: {}
    }
  }

  /** Direct children, sorted by path; undefined when the directory does not exist. */
  children(path: string): string[] | undefined {
    const dir = this.dirs.get(path)
    return dir ? [...dir.children].sort() : undefined
  }

  /** Removes a file or a directory tree; missing paths are fine. Emptied parents are pruned. */
  delete(path: string, now: number): void {
    if (path === '/') {
      for (const child of [...this.dirs.get('/')!.children]) this.delete(child, now)
      return
    }
    if (!this.isFile(path) && !this.dirs.has(path)) return
    this.removeTree(path)
    const parent = parentOf(path)
    this.dirs.get(parent)?.children.delete(path)
    this.prune(parent, now)
  }

  /** Live files as [path, record], sorted by path. */
  liveFiles(): [string, FileRecord][] {
    return [...this.files.entries()].filter(([, r]) => !r.deleted).sort(([a], [b]) => compare(a, b))
  }

  private removeTree(path: string): void {
    const dir = this.dirs.get(path)
    if (dir) {
      for (const child of dir.children) this.removeTree(child)
      this.dirs.delete(path)
      return
    }
    const record = this.files.get(path)
    if (record) record.deleted = true
  }

  private prune(path: string, now: number): void {
    let current = path
    while (current !== '/') {
      const dir = this.dirs.get(current)
      if (!dir || dir.children.size > 0) break
      this.dirs.delete(current)
      const parent = parentOf(current)
      this.dirs.get(parent)?.children.delete(current)
      current = parent
    }
    const survivor = this.dirs.get(current)
    if (survivor) survivor.modified = now
  }

  private linkToParent(path: string, now: number): void {
    const parent = this.dirs.get(parentOf(path))!
    if (!parent.children.has(path)) {
      parent.children.add(path)
      parent.modified = now
    }
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
