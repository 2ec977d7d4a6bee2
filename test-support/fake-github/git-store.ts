/**
 * The fake repository's git database: objects, refs and the default branch, seeded from a real test
 * repository (`seedFromRepository`) so that what the API reads and writes can be compared with the
 * workspace, sha for sha.
 */
import { execFileSync } from 'node:child_process'
import { GitObjects, type FlatEntry, type ObjectType } from './git-objects.js'

export class GitStore {
  readonly objects = new GitObjects()
  /** Full ref name (`refs/heads/main`) → sha. */
  readonly refs = new Map<string, string>()
  defaultBranch = 'main'

  /** "Empty repositories are repositories without branches" (Create a reference). */
  isEmpty(): boolean {
    return ![...this.refs.keys()].some((ref) => ref.startsWith('refs/heads/'))
  }

  /**
   * The commit a branch, tag, full ref or (abbreviated, unique) commit sha names, tags peeled; what the
   * `ref` of a deployment or the `tree_sha` of a tree read may be.
   */
  resolveCommit(name: string): string | undefined {
    const candidates = [`refs/heads/${name}`, `refs/tags/${name}`, name]
    for (const ref of candidates) {
      const sha = this.refs.get(ref)
      if (sha) return this.peel(sha)
    }
    if (!/^[0-9a-f]{4,40}$/.test(name)) return undefined
    const matches = [...this.objects.shas()].filter(
      (sha) => sha.startsWith(name) && this.objects.has(sha, 'commit')
    )
    return matches.length === 1 ? matches[0] : undefined
  }

  /** The branch a short ref names (`main` → `refs/heads/main`), when it is one. */
  branch(name: string): string | undefined {
    return this.refs.has(`refs/heads/${name}`) ? `refs/heads/${name}` : undefined
  }

  /** Every file of a commit (or tree), by path. */
  files(treeish: string): Map<string, FlatEntry> {
    const object = this.objects.get(treeish)
    const tree = object?.type === 'commit' ? this.objects.readCommit(treeish).tree : treeish
    return this.objects.flatten(tree)
  }

  /**
   * Three-way merge of two commits' files on their nearest common ancestor: a path changed on both
   * sides differently is a conflict (undefined); otherwise the merged tree's sha.
   */
  mergeTrees(ours: string, theirs: string): string | undefined {
    const ancestors = new Set(this.objects.ancestry(theirs))
    const base = this.objects.ancestry(ours).find((sha) => ancestors.has(sha))
    const baseFiles = base ? this.files(base) : new Map<string, FlatEntry>()
    const mine = this.files(ours)
    const other = this.files(theirs)
    const merged = new Map<string, FlatEntry>()
    const same = (a?: FlatEntry, b?: FlatEntry) => a?.sha === b?.sha && a?.mode === b?.mode
    for (const path of new Set([...baseFiles.keys(), ...mine.keys(), ...other.keys()])) {
      const [was, a, b] = [baseFiles.get(path), mine.get(path), other.get(path)]
      const pick = same(a, was) ? b : same(b, was) || same(a, b) ? a : null
      if (pick === null) return undefined
      if (pick) merged.set(path, pick)
    }
    return this.objects.writeFlat(merged)
  }

  private peel(sha: string): string {
    const object = this.objects.get(sha)
    if (object?.type !== 'tag') return sha
    return this.peel(/^object ([0-9a-f]{40})$/m.exec(object.content.toString('utf8'))![1])
  }
}

/**
 * Loads every object, the refs (replacing the store's) and the checked-out branch of a real repository
 * (git's own plumbing reads loose and packed objects alike). Each object's sha is recomputed here: a mismatch means the fake
 * would not name objects as git does, and throws.
 */
export function seedFromRepository(store: GitStore, dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, maxBuffer: 1 << 30, env: { ...process.env } })
  const batch = git('cat-file', '--batch-all-objects', '--batch')
  let at = 0
  while (at < batch.length) {
    const newline = batch.indexOf(0x0a, at)
    const [sha, type, size] = batch.subarray(at, newline).toString('latin1').split(' ')
    const content = Buffer.from(batch.subarray(newline + 1, newline + 1 + Number(size)))
    const stored = store.objects.put(type as ObjectType, content)
    if (stored !== sha) throw new Error(`object ${sha} hashed as ${stored}`)
    at = newline + 1 + Number(size) + 1
  }
  const refs = git('for-each-ref', '--format=%(objectname) %(refname)').toString('utf8')
  store.refs.clear()
  for (const line of refs.split('\n').filter(Boolean)) {
    const [sha, name] = line.split(' ')
    store.refs.set(name, sha)
  }
  store.defaultBranch = git('symbolic-ref', '--short', 'HEAD').toString('utf8').trim()
}
