/**
 * The synthetic repository as a git checkout: `main` holds the repository as last deployed (base), the
 * `feature` branch adds a pull request that edits some flows (head); the work tree is at head.
 */
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import type { SeedState } from '../../test-support/kestra-emulator/index.js'
import {
  editFlows,
  generateRepo,
  repoTree,
  type RepoSize,
  type SyntheticRepo
} from './synthetic-repo.js'

export interface BenchWorkspace {
  git: GitRepo
  base: { sha: string; repo: SyntheticRepo }
  head: { sha: string; repo: SyntheticRepo }
}

/** `rewrite` changes every flow's source (bench/engine.ts: core tasks only). */
export function createWorkspace(
  size: RepoSize,
  changedFlows: number,
  rewrite: (source: string) => string = (source) => source
): BenchWorkspace {
  const generated = generateRepo(size)
  const base = {
    ...generated,
    flows: generated.flows.map((flow) => ({ ...flow, source: rewrite(flow.source) }))
  }
  const head = editFlows(base, changedFlows)
  const git = createGitRepo()
  const baseSha = git.commit(repoTree(base), 'main as deployed')
  git.git('checkout', '-q', '-b', 'feature')
  const headSha = git.commit(repoTree(head), `Edit ${changedFlows} flows`)
  git.git('repack', '-adq') // objects packed, as actions/checkout's fetch leaves them
  return { git, base: { sha: baseSha, repo: base }, head: { sha: headSha, repo: head } }
}

/** Server state matching a repository; `deployedCommit` also seeds the KV markers a deploy leaves. */
export function seedOf(
  repo: SyntheticRepo,
  parts: { flows: boolean; files: boolean; deployedCommit?: string }
): SeedState {
  return {
    flows: parts.flows
      ? repo.flows.map(({ namespace, id, source }) => ({ namespace, id, source }))
      : [],
    files: parts.files
      ? repo.files.map(({ namespace, path, content }) => ({ namespace, path, content }))
      : [],
    kv: parts.deployedCommit
      ? repo.namespaces.map((namespace) => ({
          namespace,
          key: 'kestra-gitops-commit',
          value: { commit: parts.deployedCommit, repository: 'octo/kestra-repo' }
        }))
      : []
  }
}
