/**
 * A git object database as git itself keeps one: every object is `<type> <size>\0<content>` named by
 * its SHA-1, trees are `<mode> <name>\0<20-byte sha>` entries in git's order (a tree sorts as if its
 * name ended in `/`), commits are the `tree`/`parent`/`author`/`committer` header then the message
 * (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects). A tree built here has the sha `git
 * write-tree` gives for the same files.
 */
import { createHash } from 'node:crypto'

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag'

export interface GitObject {
  type: ObjectType
  content: Buffer
}

export interface TreeEntry {
  /** As stored in the tree object: `100644`, `100755`, `120000`, `160000`, or `40000` for a tree. */
  mode: string
  name: string
  sha: string
}

/** A path of a flattened tree and what it points to (a blob, a symlink or a submodule). */
export interface FlatEntry {
  mode: string
  sha: string
}

export interface Person {
  name: string
  email: string
  /** ISO-8601 with its offset, e.g. `2026-01-01T00:00:00Z` or `2026-01-01T01:00:00+01:00`. */
  date: string
}

export interface CommitData {
  tree: string
  parents: string[]
  author: Person
  committer: Person
  message: string
}

export const TREE_MODE = '40000'

export function objectSha(type: ObjectType, content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex')
}

export class GitObjects {
  private readonly objects = new Map<string, GitObject>()

  put(type: ObjectType, content: Buffer): string {
    const sha = objectSha(type, content)
    this.objects.set(sha, { type, content })
    return sha
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha)
  }

  has(sha: string, type?: ObjectType): boolean {
    const object = this.objects.get(sha)
    return object !== undefined && (type === undefined || object.type === type)
  }

  /** Every sha, for resolving an abbreviated one. */
  shas(): IterableIterator<string> {
    return this.objects.keys()
  }

  readTree(sha: string): TreeEntry[] {
    const content = this.expect(sha, 'tree')
    const entries: TreeEntry[] = []
    let at = 0
    while (at < content.length) {
      const space = content.indexOf(0x20, at)
      const nul = content.indexOf(0, space)
      entries.push({
        mode: content.subarray(at, space).toString('latin1'),
        name: content.subarray(space + 1, nul).toString('utf8'),
        sha: content.subarray(nul + 1, nul + 21).toString('hex')
      })
      at = nul + 21
    }
    return entries
  }

  writeTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)))
    const parts = sorted.map((entry) =>
      Buffer.concat([
        Buffer.from(`${entry.mode} ${entry.name}\0`, 'utf8'),
        Buffer.from(entry.sha, 'hex')
      ])
    )
    return this.put('tree', Buffer.concat(parts))
  }

  /** Every non-tree path under a tree, `a/b/c` style. */
  flatten(treeSha: string, prefix = '', into = new Map<string, FlatEntry>()) {
    for (const entry of this.readTree(treeSha)) {
      const path = prefix + entry.name
      if (entry.mode === TREE_MODE) this.flatten(entry.sha, `${path}/`, into)
      else into.set(path, { mode: entry.mode, sha: entry.sha })
    }
    return into
  }

  /** The nested trees holding exactly these paths; returns the root tree's sha. */
  writeFlat(paths: Map<string, FlatEntry>): string {
    const here: TreeEntry[] = []
    const below = new Map<string, Map<string, FlatEntry>>()
    for (const [path, entry] of paths) {
      const slash = path.indexOf('/')
      if (slash < 0) {
        here.push({ mode: entry.mode, name: path, sha: entry.sha })
        continue
      }
      const dir = path.slice(0, slash)
      if (!below.has(dir)) below.set(dir, new Map())
      below.get(dir)!.set(path.slice(slash + 1), entry)
    }
    for (const [name, children] of below) {
      here.push({ mode: TREE_MODE, name, sha: this.writeFlat(children) })
    }
    return this.writeTree(here)
  }

  readCommit(sha: string): CommitData {
    const text = this.expect(sha, 'commit').toString('utf8')
    const split = text.indexOf('\n\n')
    const header = text.slice(0, split).split('\n')
    const value = (name: string) =>
      header
        .filter((line) => line.startsWith(`${name} `))
        .map((line) => line.slice(name.length + 1))
    return {
      tree: value('tree')[0],
      parents: value('parent'),
      author: parsePerson(value('author')[0]),
      committer: parsePerson(value('committer')[0]),
      message: text.slice(split + 2)
    }
  }

  writeCommit(commit: CommitData): string {
    const lines = [
      `tree ${commit.tree}`,
      ...commit.parents.map((parent) => `parent ${parent}`),
      `author ${formatPerson(commit.author)}`,
      `committer ${formatPerson(commit.committer)}`
    ]
    return this.put('commit', Buffer.from(`${lines.join('\n')}\n\n${commit.message}`, 'utf8'))
  }

  /** Every commit reachable from `sha`, itself first, breadth-first. */
  ancestry(sha: string): string[] {
    const seen = new Set<string>([sha])
    const queue = [sha]
    for (let i = 0; i < queue.length; i++) {
      for (const parent of this.readCommit(queue[i]).parents) {
        if (!seen.has(parent) && this.has(parent, 'commit')) {
          seen.add(parent)
          queue.push(parent)
        }
      }
    }
    return queue
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.ancestry(of).includes(ancestor)
  }

  private expect(sha: string, type: ObjectType): Buffer {
    const object = this.objects.get(sha)
    if (!object || object.type !== type) throw new Error(`${sha} is not a ${type}`)
    return object.content
  }
}

function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.mode === TREE_MODE ? `${entry.name}/` : entry.name, 'utf8')
}

/** `Name <email> 1767225600 +0100` */
function formatPerson(person: Person): string {
  const offset = /([+-])(\d\d):?(\d\d)$/.exec(person.date)
  const zone = offset ? `${offset[1]}${offset[2]}${offset[3]}` : '+0000'
  const seconds = Math.floor(Date.parse(person.date) / 1000)
  return `${person.name} <${person.email}> ${seconds} ${zone}`
}

function parsePerson(line: string): Person {
  const match = /^(.*) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(line)
  if (!match) return { name: line, email: '', date: new Date(0).toISOString() }
  const [, name, email, seconds, sign, hours, minutes] = match
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
  const local = new Date((Number(seconds) + offsetMinutes * 60) * 1000).toISOString().slice(0, 19)
  const zone = offsetMinutes === 0 ? 'Z' : `${sign}${hours}:${minutes}`
  return { name, email, date: `${local}${zone}` }
}
