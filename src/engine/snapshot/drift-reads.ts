import { ConfigError } from '../../model/errors.js'
import { GitTree } from '../../adapters/git/git-tree.js'
import { IgnoreRules } from '../../adapters/git/ignore-rules.js'
import { readClosing } from '../../adapters/git/tree-source.js'
import { type RunContext } from '../../model/context.js'
import type { DriftGitHub } from '../../model/drift-port.js'

/** Events a drift run plans on: the default branch's head (docs/drift.md#when-it-runs). */
const DRIFT_EVENTS = ['schedule', 'workflow_dispatch']

/**
 * The default branch, once the run is known to be on it: a drift run plans the default branch's head and
 * refuses any other ref before the server is read.
 */
export async function driftBranchOf(
  context: RunContext,
  github: DriftGitHub | undefined
): Promise<string> {
  if (!DRIFT_EVENTS.includes(context.eventName)) {
    throw new ConfigError(
      'mode',
      `mode drift runs on schedule or workflow_dispatch, not on ${context.eventName}; start it from a scheduled workflow (docs/drift.md#when-it-runs)`
    )
  }
  const onBranch = context.ref?.startsWith('refs/heads/')
    ? context.ref.slice('refs/heads/'.length)
    : undefined
  const known = context.defaultBranch ?? (await github?.defaultBranch())
  // GitHub runs a schedule on the default branch's last commit.
  const branch = known ?? (context.eventName === 'schedule' ? onBranch : undefined)
  if (!branch) {
    throw new ConfigError(
      'github-token',
      'mode drift needs the repository’s default branch: pass a github-token that can read the repository'
    )
  }
  if (context.ref && context.ref !== `refs/heads/${branch}`) {
    throw new ConfigError(
      'mode',
      `mode drift plans the default branch (${branch}), and this run is on ${context.ref}: run the workflow on ${branch}`
    )
  }
  return branch
}

/** Every path of the planned commit (workspace-relative): new files never replace one of them. */
export async function readCommitPaths(workspace: string, sha: string): Promise<Set<string>> {
  const paths = await readClosing(GitTree.open(workspace, sha, '.'), async (tree) => tree.blobs)
  return new Set(paths?.keys())
}

/**
 * Why the planned commit's ignore files leave each of `paths` (workspace-relative) out of what the layout
 * reads, by path: a file written there would never be read back
 * (docs/drift.md#where-the-drift-pull-request-never-writes).
 */
export async function ignoredPaths(
  workspace: string,
  sha: string,
  root: string,
  paths: readonly string[]
): Promise<Map<string, string>> {
  const ignored = new Map<string, string>()
  if (paths.length === 0) return ignored
  await readClosing(GitTree.open(workspace, sha, root), async (tree) => {
    const rules = new IgnoreRules(tree)
    const under = tree.rootRel === '' ? '' : `${tree.rootRel}/`
    for (const path of paths) {
      if (!path.startsWith(under)) continue
      const rule = await rules.pathExcludedBy(path.slice(under.length))
      if (rule === undefined) continue
      ignored.set(
        path,
        rule === 'fixed' || rule.file === undefined
          ? 'the layout never reads that name'
          : `${rule.file} line ${rule.line} (${rule.pattern}) leaves it out of what the layout reads`
      )
    }
  })
  return ignored
}
