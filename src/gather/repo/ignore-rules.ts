import { ownVerdict, parseIgnoreFile, type IgnorePattern, type Verdict } from './gitignore.js'
import { childOf, type TreeSource } from './tree-source.js'

export const IGNORE_FILE = '.kestraignore'
export const GIT_IGNORE_FILE = '.gitignore'

/** The rule that leaves a path out: a line of an ignore file, or the rule on names starting with '.'. */
export interface IgnoreRule {
  /** Relative to root; undefined for the dotfile rule (line 0). */
  file?: string
  line: number
  pattern: string
}

/** The verdict after one ignore file spoke of `rel` (relative to its folder), `excluded` the one before. */
function applied(
  rules: IgnoreFile,
  rel: string,
  isDir: boolean,
  excluded: IgnoreRule | undefined
): IgnoreRule | undefined {
  const verdict = rules.test(rel, isDir)
  if (verdict.ignored && verdict.pattern) {
    return { file: rules.path, line: verdict.pattern.line, pattern: verdict.pattern.text }
  }
  return verdict.unignored ? undefined : excluded
}

function isDotName(rel: string): boolean {
  return rel.charCodeAt(rel.lastIndexOf('/') + 1) === 0x2e
}

/** `.kestraignore` leaves out names starting with '.' unless a negation re-includes them. */
const DOTFILE_RULE: IgnoreRule = { line: 0, pattern: '.*' }

/** One ignore file: its patterns, and what they said of the folders already asked about. */
class IgnoreFile {
  private readonly folders = new Map<string, Verdict>()

  constructor(
    readonly path: string,
    private readonly patterns: IgnorePattern[]
  ) {}

  /** `testPath`'s verdict, with the folders' verdicts kept: a walk asks about each folder many times. */
  test(rel: string, isDir: boolean): Verdict {
    return isDir
      ? this.folder(rel)
      : (this.ignoredParent(rel) ?? ownVerdict(this.patterns, rel, false))
  }

  private folder(rel: string): Verdict {
    let verdict = this.folders.get(rel)
    if (!verdict) {
      verdict = this.ignoredParent(rel) ?? ownVerdict(this.patterns, rel, true)
      this.folders.set(rel, verdict)
    }
    return verdict
  }

  private ignoredParent(rel: string): Verdict | undefined {
    const cut = rel.lastIndexOf('/')
    if (cut <= 0) return undefined
    const parent = this.folder(rel.slice(0, cut))
    return parent.ignored ? parent : undefined
  }
}

/**
 * Ignore files (gitignore syntax, `.kestraignore` unless told) in any folder, each relative to its
 * folder, deeper files taking precedence. With `.kestraignore`, names starting with '.' are excluded
 * unless a negation re-includes them.
 */
export class IgnoreRules {
  /**
   * Each folder's ignore file once read (undefined: none), or its reading under way: awaiting a settled promise
   * for every folder of every path cost 12,000 paths tens of milliseconds.
   */
  private readonly byDir = new Map<
    string,
    IgnoreFile | undefined | Promise<IgnoreFile | undefined>
  >()

  constructor(
    private readonly tree: Pick<TreeSource, 'kind' | 'read'>,
    readonly fileName: string = IGNORE_FILE
  ) {}

  /** Whether one entry is excluded, its parent folder being included. `rel` is '/'-separated. */
  async excludes(rel: string, isDir: boolean): Promise<boolean> {
    return (await this.excludedBy(rel, isDir)) !== undefined
  }

  /**
   * The rule excluding one entry (its parent folder being included), undefined when it is read. `.git`
   * and the ignore files themselves are always excluded, by no rule the user wrote: `fixed`.
   */
  async excludedBy(rel: string, isDir: boolean): Promise<IgnoreRule | 'fixed' | undefined> {
    const settled = this.settledVerdict(rel, isDir)
    if (settled) return settled.rule
    const dotfile = this.fileName === IGNORE_FILE && isDotName(rel)
    return this.verdict(rel, isDir, dotfile ? DOTFILE_RULE : undefined)
  }

  /** `excludedBy` without waiting when every ignore file on the way is read (`{ rule }`), else undefined. */
  settledVerdict(
    rel: string,
    isDir: boolean
  ): { rule: IgnoreRule | 'fixed' | undefined } | undefined {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    // Never re-included: .git may hold credentials, and ignore files are configuration.
    if (name.toLowerCase() === '.git' || name === this.fileName) return { rule: 'fixed' }
    let excluded = this.fileName === IGNORE_FILE && name.startsWith('.') ? DOTFILE_RULE : undefined
    for (let cut = -1; ;) {
      const dir = cut === -1 ? '' : rel.slice(0, cut)
      if (!this.byDir.has(dir)) return undefined
      const rules = this.byDir.get(dir)
      if (rules instanceof Promise) return undefined
      if (rules) excluded = applied(rules, rel.slice(cut + 1), isDir, excluded)
      const next = rel.indexOf('/', cut + 1)
      if (next === -1) return { rule: excluded }
      cut = next
    }
  }

  /** What the ignore files say of one entry, `excluded` being the verdict when none speaks of it. */
  private async verdict(
    rel: string,
    isDir: boolean,
    excluded: IgnoreRule | undefined
  ): Promise<IgnoreRule | undefined> {
    // Each folder on the way, from root down: `rel` up to a '/' (root is ''), the rest after it.
    for (let cut = -1; ;) {
      const dir = cut === -1 ? '' : rel.slice(0, cut)
      const held = this.byDir.has(dir) ? this.byDir.get(dir) : this.readRules(dir)
      const rules = held instanceof Promise ? await held : held
      if (rules) excluded = applied(rules, rel.slice(cut + 1), isDir, excluded)
      const next = rel.indexOf('/', cut + 1)
      if (next === -1) return excluded
      cut = next
    }
  }

  /** Whether the folder holds an ignore file that is a regular file: spares the walk a probe of each folder. */
  knowListing(dirRel: string, hasRegularIgnoreFile: boolean): void {
    if (this.byDir.has(dirRel)) return
    if (hasRegularIgnoreFile) void this.readRules(dirRel)
    else this.byDir.set(dirRel, undefined)
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

  /** Starts reading a folder's ignore file (`load` never rejects); the file replaces the reading once read. */
  private readRules(dirRel: string): Promise<IgnoreFile | undefined> {
    const reading = this.load(dirRel).then((file) => {
      this.byDir.set(dirRel, file)
      return file
    })
    this.byDir.set(dirRel, reading)
    return reading
  }

  private async load(dirRel: string): Promise<IgnoreFile | undefined> {
    const path = childOf(dirRel, this.fileName)
    try {
      // Only a regular file is read: a linked ignore file could point anywhere.
      if ((await this.tree.kind(path)) !== 'file') return undefined
      const text = (await this.tree.read(path)).toString('utf8')
      return new IgnoreFile(path, parseIgnoreFile(text))
    } catch {
      return undefined
    }
  }
}
