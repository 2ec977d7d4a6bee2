import { writeDriftBranch } from '../apply/drift/drift-branch.js'
import { DriftIssues } from '../apply/drift/drift-issue.js'
import type { DriftGitHub } from '../model/drift-port.js'
import { DriftPulls } from '../apply/drift/drift-pull.js'
import { apiError } from '../github/errors.js'
import type { Octokit } from '../github/octokit.js'

/** The DriftGitHub port over GitHub's REST API, for one repository. */
export function createDriftGitHub(
  octokit: Octokit,
  repository: { owner: string; repo: string }
): DriftGitHub {
  const client = { octokit, ...repository }
  const issues = new DriftIssues(client)
  const pulls = new DriftPulls(client)
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
    writeBranch: (branch) => writeDriftBranch(client, branch),
    keepPullRequest: (pull) => pulls.keep(pull),
    closePullRequest: (head, comment) => pulls.close(head, comment)
  }
}
