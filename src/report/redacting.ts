import type { CommentOutcome, GitHubPort } from '../model/github.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type { ReviewPort } from '../model/suggestion.js'
import type { OutputEdge } from './output-edge.js'
import type { Reporter } from './reporter.js'

/** Texts redacted (findings bounded) before the reporter escapes them; the summary is guarded again. */
export function redactingReporter(reporter: Reporter, edge: OutputEdge): Reporter {
  const text = (value: string) => edge.text(value)
  return {
    info: (message) => reporter.info(text(message)),
    warning: (message) => reporter.warning(text(message)),
    notice: (message) => reporter.notice(text(message)),
    annotate: (findings) =>
      reporter.annotate(findings.map((f) => ({ ...f, message: edge.message(f.message) }))),
    setOutput: (name, value) =>
      reporter.setOutput(name, typeof value === 'string' ? text(value) : value),
    writeSummary: (markdown) => reporter.writeSummary(text(markdown)),
    group: (title) => reporter.group(text(title)),
    endGroup: (summary) => reporter.endGroup(summary === undefined ? undefined : text(summary)),
    progress: (progress) => reporter.progress(text(progress))
  }
}

/** Comments are public, never masked by the runner: bodies get the last guard; their address is shown as it is. */
export function redactingGitHub(github: GitHubPort, edge: OutputEdge): GitHubPort {
  const text = (value: string) => edge.text(value)
  const learn = (outcome: CommentOutcome) => {
    if (outcome.status !== 'forbidden') edge.learn([outcome.url])
    return outcome
  }
  return {
    listPullRequestFiles: (pr) => github.listPullRequestFiles(pr),
    compareCommits: (base, head) => github.compareCommits(base, head),
    findStickyComment: (issue, marker) => github.findStickyComment(issue, marker),
    stickyComments: (issue, marker) => github.stickyComments(issue, marker),
    commentsByThisToken: (issue, marker) => github.commentsByThisToken(issue, marker),
    upsertStickyComment: async (issue, marker, body, seen, sent) =>
      learn(await github.upsertStickyComment(issue, marker, text(body), seen, sent)),
    updateComment: async (id, body) => learn(await github.updateComment(id, text(body))),
    findMergedPullRequest: (sha) => github.findMergedPullRequest(sha),
    pullRequest: (number) => github.pullRequest(number),
    openPullRequestsOf: (label) => github.openPullRequestsOf(label),
    getFileAtRef: (path, ref) => github.getFileAtRef(path, ref)
  }
}

/** Drift issue and pull request texts get the last guard (docs/drift.md#the-drift-pull-request). */
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
    closePullRequest: (head, comment, trailer) =>
      github.closePullRequest(head, text(comment), trailer)
  }
}

/**
 * Review comments are public: each body gets the last guard; one the guard would change is not posted, since a
 * suggestion whose lines were redacted would write `***` into the file (docs/suggested-changes.md).
 */
export function redactingReview(review: ReviewPort, edge: OutputEdge): ReviewPort {
  return {
    pullRequestPatches: (pr) => review.pullRequestPatches(pr),
    suggest: (pr, commit, { body, comments }) =>
      review.suggest(pr, commit, {
        body: edge.text(body),
        comments: comments.filter((comment) => edge.text(comment.body) === comment.body)
      })
  }
}
