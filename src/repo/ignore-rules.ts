import ignore, { type Ignore } from 'ignore'
import { childOf, type TreeSource } from './tree-source.js'

export const IGNORE_FILE = '.kestraignore'
export const GIT_IGNORE_FILE = '.gitignore'

/**
 * Ignore files (gitignore syntax, `.kestraignore` unless told) in any folder, each relative to its
 * folder, deeper files taking precedence. With `.kestraignore`, names starting with '.' are excluded
 * unless a negation re-includes them.
 */
export class IgnoreRules {
  private readonly byDir = new Map<string, Promise<Ignore | undefined>>()

  constructor(
    private readonly tree: Pick<TreeSource, 'kind' | 'read'>,
    readonly fileName: string = IGNORE_FILE
  ) {}

  /** Whether one entry is excluded, its parent folder being included. `rel` is '/'-separated. */
  async excludes(rel: string, isDir: boolean): Promise<boolean> {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    // Never re-included: .git may hold credentials, and ignore files are configuration.
    if (name.toLowerCase() === '.git' || name === this.fileName) return true
    return this.verdict(rel, isDir, this.fileName === IGNORE_FILE && name.startsWith('.'))
  }

  /** What the ignore files say of one entry, `excluded` being the verdict when none speaks of it. */
  private async verdict(rel: string, isDir: boolean, excluded: boolean): Promise<boolean> {
    const segments = rel.split('/')
    for (let depth = 0; depth < segments.length; depth++) {
      const rules = await this.rulesOf(segments.slice(0, depth).join('/'))
      if (!rules) continue
      const below = segments.slice(depth).join('/') + (isDir ? '/' : '')
      const verdict = rules.test(below)
      if (verdict.ignored) excluded = true
      else if (verdict.unignored) excluded = false
    }
    return excluded
  }

  /**
   * What a folder listing shows: whether the folder holds an ignore file that is a regular file. Spares
   * the walk a probe of every folder it enters.
   */
  knowListing(dirRel: string, hasRegularIgnoreFile: boolean): void {
    if (this.byDir.has(dirRel)) return
    this.byDir.set(dirRel, hasRegularIgnoreFile ? this.load(dirRel) : Promise.resolve(undefined))
  }

  /** Whether a path or any folder on the way to it is excluded (for symlink targets). */
  async excludesPath(rel: string): Promise<boolean> {
    const segments = rel.split('/')
    for (let depth = 1; depth <= segments.length; depth++) {
      const isDir = depth < segments.length
      if (await this.excludes(segments.slice(0, depth).join('/'), isDir)) return true
    }
    return false
  }

  private rulesOf(dirRel: string): Promise<Ignore | undefined> {
    let rules = this.byDir.get(dirRel)
    if (!rules) {
      rules = this.load(dirRel)
      this.byDir.set(dirRel, rules)
    }
    return rules
  }

  private async load(dirRel: string): Promise<Ignore | undefined> {
    const path = childOf(dirRel, this.fileName)
    try {
      // Only a regular file is read: a linked ignore file could point anywhere.
      if ((await this.tree.kind(path)) !== 'file') return undefined
      const text = (await this.tree.read(path)).toString('utf8')
      return ignore({ ignoreCase: false, allowRelativePaths: true }).add(text)
    } catch {
      return undefined
    }
  }
}
