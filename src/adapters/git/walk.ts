import { compareCodeUnits, normaliseText } from '../../model/content.js'
import { GIT_IGNORE_FILE, IGNORE_FILE, type IgnoreRule, IgnoreRules } from './ignore-rules.js'
import { childOf, type TreeEntry, type TreeSource } from './tree-source.js'

export interface WalkEntry {
  rel: string
  kind: 'file' | 'symlink' | 'other'
}

export interface HiddenEntry {
  rel: string
  isDir: boolean
  rule: IgnoreRule
}

/** A flow document (or a file a `flows` glob matches) that an ignore rule leaves out, and that rule. */
export type HiddenFlow = Omit<HiddenEntry, 'isDir'>

interface WalkResult {
  entries: WalkEntry[]
  unreadable: { rel: string; message: string }[]
  /** What ignore rules left out (not `.git` nor the ignore files, which no rule the user wrote leaves out). */
  hidden: HiddenEntry[]
}

interface WalkOptions {
  tree: TreeSource
  rules: Pick<IgnoreRules, 'excludedBy' | 'knowListing'> &
    Partial<Pick<IgnoreRules, 'settledVerdict'>>
  /** Folders for which this is false are not entered, unless `search` enters them. */
  mayContain(dirRel: string): boolean
  /** Folders never entered, whatever `mayContain` and `search` say. */
  skipsFolder?(dirRel: string): boolean
  search?: SearchScope
  limit<R>(task: () => Promise<R>): Promise<R>
  /**
   * Called before each folder's entries: a commit's in-memory tree would otherwise keep server answers waiting.
   */
  yieldTurn?(): Promise<void>
  onEntry?(entry: WalkEntry): void
  from?: string
}

export async function walkTree(options: WalkOptions): Promise<WalkResult> {
  const result: WalkResult = { entries: [], unreadable: [], hidden: [] }
  await walkFolder(options.from ?? '', options, result)
  return result
}

async function walkFolder(dirRel: string, options: WalkOptions, result: WalkResult) {
  let entries: TreeEntry[]
  try {
    entries = await options.limit(() => options.tree.list(dirRel))
  } catch (error) {
    result.unreadable.push({ rel: dirRel, message: (error as Error).message })
    return
  }
  const ignoreFile = entries.find((entry) => entry.name === IGNORE_FILE)
  options.rules.knowListing(dirRel, ignoreFile?.kind === 'file')
  const inLayout = dirRel === '' || options.mayContain(dirRel)
  const listing = options.search?.knowListing(dirRel, new Set(entries.map((e) => e.name)))
  if (listing?.virtualEnv && !inLayout) return
  const subfolders: Promise<void>[] = []
  await options.yieldTurn?.()
  for (const { name, kind } of entries) {
    const rel = childOf(dirRel, name)
    const isDir = kind === 'folder'
    const settled = options.rules.settledVerdict?.(rel, isDir)
    const rule = settled ? settled.rule : await options.rules.excludedBy(rel, isDir)
    if (rule === 'fixed') continue
    if (rule) {
      if (kind === 'folder' || kind === 'file') result.hidden.push({ rel, isDir, rule })
      continue
    }
    if (kind !== 'folder') {
      const entry: WalkEntry = { rel, kind }
      result.entries.push(entry)
      options.onEntry?.(entry)
      continue
    }
    if (options.skipsFolder?.(rel)) continue
    if (options.mayContain(rel)) {
      subfolders.push(walkFolder(rel, options, result))
    } else if (options.search) {
      const skipped = await options.search.skips(rel)
      if (skipped === undefined) subfolders.push(walkFolder(rel, options, result))
      else if (skipped !== 'dependencies') result.hidden.push({ rel, isDir, rule: skipped })
    }
  }
  await Promise.all(subfolders)
}

/** Folders that hold dependencies, virtual environments or caches, never a repository's own flows. */
const NEVER_SEARCHED = new Set([
  'node_modules',
  'bower_components',
  'venv',
  'site-packages',
  '__pycache__'
])
/** A folder holding this file is a Python virtual environment, whatever its name. */
const VIRTUAL_ENV_MARKER = 'pyvenv.cfg'

/**
 * Where flow documents are searched for outside the layout's own folders (the anywhere layout, and
 * the count of flows a layout leaves out): not in dependencies, virtual environments, nor, inside a
 * Git work tree, what `.gitignore` files exclude (build output). `.kestraignore` applies as everywhere.
 */
export class SearchScope {
  private constructor(private readonly gitignore: IgnoreRules | undefined) {}

  static async of(tree: TreeSource): Promise<SearchScope> {
    return new SearchScope(
      (await tree.versioned()) ? new IgnoreRules(tree, GIT_IGNORE_FILE) : undefined
    )
  }

  static dependenciesOnly(): SearchScope {
    return new SearchScope(undefined)
  }

  /** Why a folder is not searched: it holds dependencies, or a `.gitignore` rule; undefined when it is. */
  async skips(dirRel: string): Promise<IgnoreRule | 'dependencies' | undefined> {
    const name = dirRel.slice(dirRel.lastIndexOf('/') + 1)
    if (NEVER_SEARCHED.has(name)) return 'dependencies'
    return this.gitignored(dirRel, true)
  }

  async gitignored(rel: string, isDir = false): Promise<IgnoreRule | undefined> {
    const rule = await this.gitignore?.excludedBy(rel, isDir)
    return rule === 'fixed' ? undefined : rule
  }

  /** What a folder's listing shows: its ignore file, or that it is a virtual environment (not searched). */
  knowListing(dirRel: string, names: ReadonlySet<string>): { virtualEnv: boolean } {
    this.gitignore?.knowListing(dirRel, names.has(GIT_IGNORE_FILE))
    return { virtualEnv: names.has(VIRTUAL_ENV_MARKER) }
  }
}

/** A repository file read as text: its workspace-relative path, its text normalised. */
export interface TextFile {
  file: string
  text: string
}

/**
 * The text files under `folder` (under root) whose root-relative path `keep` accepts, the ignore rules
 * honoured, sorted by path; subfolders are read only when `deep`.
 */
export async function textFilesUnder(
  tree: TreeSource,
  folder: string,
  keep: (rel: string) => boolean,
  deep = false
): Promise<TextFile[]> {
  if ((await tree.kind(folder)) !== 'folder') return []
  const rules = new IgnoreRules(tree)
  if (await rules.excludes(folder, true)) return []
  const walk = await walkTree({
    tree,
    rules,
    mayContain: () => deep,
    limit: (task) => task(),
    from: folder
  })
  const found: TextFile[] = []
  for (const entry of walk.entries) {
    if (entry.kind !== 'file' || !keep(entry.rel)) continue
    const text = normaliseText((await tree.read(entry.rel)).toString('utf8'))
    found.push({ file: childOf(tree.rootRel, entry.rel), text })
  }
  return found.sort((a, b) => compareCodeUnits(a.file, b.file))
}
