import { GIT_IGNORE_FILE, IgnoreRules, type IgnoreRule } from './ignore-rules.js'
import type { TreeSource } from './tree-source.js'

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
