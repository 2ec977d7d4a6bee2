import { writeDriftBranch } from './drift-branch.js'
import { DriftIssues } from './drift-issue.js'
import type { DriftGitHub } from '../model/drift-port.js'
import { DriftPulls } from './drift-pull.js'
import { apiError } from './errors.js'
import type { Octokit } from './octokit.js'
import type { TokenInput } from './identity.js'

/**
 * The DriftGitHub port over GitHub's REST API, for one repository. The branch and its pull request are
 * written with `pull` (the pull-request-token's, or github-token's), whose refusals name that input, everything else with `octokit`.
 */
export function createDriftGitHub(
  octokit: Octokit,
  repository: { owner: string; repo: string },
  pull: { octokit: Octokit; token: TokenInput }
): DriftGitHub {
  const client = { octokit, ...repository }
  const pullClient = { ...pull, ...repository }
  const issues = new DriftIssues(client)
  const pulls = new DriftPulls(pullClient)
  return {
    defaultBranch: async () => {
      try {
        return (await octokit.rest.repos.get(repository)).data.default_branch
      } catch (error) {
        throw apiError('reading the repository’s default branch', error)
      }
    },
    keepIssue: (issue) => issues.keep(issue),
    closeIssue: (marker, label, comment) => issues.close(marker, label, comment),
    writeBranch: (branch) => writeDriftBranch(pullClient, branch),
    keepPullRequest: (pull) => pulls.keep(pull),
    closePullRequest: (head, comment) => pulls.close(head, comment)
  }
}
