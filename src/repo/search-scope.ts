import { GIT_IGNORE_FILE, IgnoreRules } from './ignore-rules.js'
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

  async enters(dirRel: string): Promise<boolean> {
    const name = dirRel.slice(dirRel.lastIndexOf('/') + 1)
    if (NEVER_SEARCHED.has(name)) return false
    return !(await this.gitignore?.excludes(dirRel, true))
  }

  async keeps(rel: string): Promise<boolean> {
    return !(await this.gitignore?.excludes(rel, false))
  }

  /** What a folder's listing shows: its ignore file, or that it is a virtual environment (not searched). */
  knowListing(dirRel: string, names: ReadonlySet<string>): { virtualEnv: boolean } {
    this.gitignore?.knowListing(dirRel, names.has(GIT_IGNORE_FILE))
    return { virtualEnv: names.has(VIRTUAL_ENV_MARKER) }
  }
}
