import type { DriftGitHub } from '../model/drift-port.js'
import type { OutputEdge } from './output-edge.js'

/**
 * The drift issue and pull request are public and never masked by the runner: their titles, bodies and
 * comments get the last guard. The branch's file contents are not text the run shows but the server's
 * sources brought back: the run never hands one holding a credential (docs/drift.md#the-drift-pull-request).
 */
export function redactingDriftGitHub(github: DriftGitHub, edge: OutputEdge): DriftGitHub {
  const text = (value: string) => edge.text(value)
  return {
    defaultBranch: () => github.defaultBranch(),
    keepIssue: (issue) =>
      github.keepIssue({ ...issue, title: text(issue.title), body: text(issue.body) }),
    closeIssue: (marker, label, comment) => github.closeIssue(marker, label, text(comment)),
    writeBranch: (branch) => github.writeBranch({ ...branch, message: text(branch.message) }),
    keepPullRequest: (pull) =>
      github.keepPullRequest({ ...pull, title: text(pull.title), body: text(pull.body) }),
    closePullRequest: (head, comment) => github.closePullRequest(head, text(comment))
  }
}
