import { baseCommit } from './changed.js'
import { shareTree, type SharedTree } from './shared-tree.js'
import type { BaseSnapshot, ChangedFiles } from '../../model/plan-input.js'
import type { ChosenLayout, RepoModel } from '../../model/repository.js'
import { GitTree } from '../../adapters/git/git-tree.js'
import type { IndexBlobs } from '../../adapters/git/git.js'
import type { ServerVerdicts } from './kind.js'
import type { RunContext } from '../../model/context.js'
import type { StickyComment } from '../../model/github.js'
import type { Outcome } from '../../model/outcome.js'
import type { Settings } from '../../model/settings.js'

/**
 * What every target of a run reads alike, read once (docs/architecture.md#one-read-per-run): a preview and a
 * plan are two targets; the first starts each read, the next takes its answers. The run's entry closes it.
 */
export class RunReads {
  layout?: Promise<ChosenLayout>
  repository?: Promise<RepoModel>
  probe?: Promise<Outcome<string | undefined>>
  /** Each kind's server validation (`GatherKind.verdicts`), by kind name: a run's targets validate once. */
  verdicts?: ReadonlyMap<string, ServerVerdicts>
  changed?: Promise<Outcome<ChangedFiles>>
  committed?: Promise<Date | undefined>
  base?: Promise<Outcome<BaseSnapshot | undefined>>
  /** The tenant's secret names (OSS lists them tenant-wide: one listing for every target). */
  secretNames?: Promise<string[]>
  /** What git's index vouches for under root (docs/performance.md#what-a-plan-knows-without-reading). */
  index?: Promise<IndexBlobs | undefined>
  comments?: Promise<StickyComment[]>
  baseTree?: () => Promise<SharedTree<GitTree> | undefined>
  /** Held until the run ends, so that each target shares the one opening of these commits' trees. */
  private readonly held = new Map<string, Promise<SharedTree<GitTree> | undefined>>()
  /** Each commit's tree under root, opened once a run and lent to its readers (`shareTree`). */
  private commits = new Map<string, () => Promise<SharedTree<GitTree> | undefined>>()

  openBase(settings: Settings, context: RunContext) {
    if (this.baseTree) return this.baseTree
    const sha = baseCommit(context)
    if (!sha) return undefined
    // The base commit's tree, listed by git while the work tree loads; undefined when git lacks it.
    this.baseTree = () => this.openCommit(context.workspace, sha, settings.root)
    this.holdCommit(context.workspace, sha, settings.root)
    return this.baseTree
  }

  /** Opens the tree of `commit` under root now, before its readers ask, and holds it until the run ends. */
  holdCommit(workspace: string, commit: string, root: string): void {
    const key = commitKey(commit, root)
    if (this.held.has(key)) return
    this.held.set(
      key,
      this.openCommit(workspace, commit, root).catch(() => undefined)
    )
  }

  /** The tree of `commit` under root, shared with every other reader of it this run; each releases it. */
  openCommit(workspace: string, commit: string, root: string) {
    const key = commitKey(commit, root)
    let open = this.commits.get(key)
    if (!open) {
      const opening = GitTree.open(workspace, commit, root)
      // Keeps a failure before the first reader from being unhandled; each reader gets it as an outcome.
      opening.catch(() => undefined)
      open = shareTree(opening)
      this.commits.set(key, open)
    }
    return open()
  }

  async close(): Promise<void> {
    for (const held of this.held.values()) await (await held)?.release()
  }
}

function commitKey(commit: string, root: string): string {
  return `${commit}\u0000${root}`
}
