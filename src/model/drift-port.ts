/** What a drift run writes to GitHub (docs/drift.md): one issue, one branch, one pull request per comment-key. */

/** The token may not do it; `message` says which permission or setting to grant. */
export interface Forbidden {
  status: 'forbidden'
  message: string
}

export type IssueOutcome =
  { status: 'created' | 'updated' | 'reopened' | 'closed'; number: number; url: string } | Forbidden

export type BranchOutcome =
  | { status: 'written' | 'unchanged'; sha: string }
  /** The branch's last commit is not the action's: someone pushed to it, and it is left as it is. */
  | { status: 'foreign'; sha: string }
  /** The writes leave the planned commit's tree as it is: there is nothing to bring back. */
  | { status: 'empty' }
  | Forbidden

export type PullOutcome =
  | { status: 'created' | 'updated' | 'unchanged' | 'closed'; number: number; url: string }
  /** Its branch holds a commit the action did not write: the pull request is left open. */
  | { status: 'foreign'; number: number; url: string }
  | Forbidden

export interface DriftIssueText {
  /** First line of the body: how the issue is found again. */
  marker: string
  label: string
  title: string
  body: string
}

export interface DriftBranch {
  /** Without `refs/heads/`. */
  name: string
  /** The planned commit: the branch's one commit has it as its parent. */
  base: string
  message: string
  /** A line of the commit message that marks the commit as the action's. */
  trailer: string
  /** Each path's new bytes; undefined: the file is removed. */
  writes: { path: string; content: Uint8Array | undefined }[]
}

export interface DriftGitHub {
  defaultBranch(): Promise<string>
  /** Updates the action's issue carrying the marker (reopening it when closed), or opens one. */
  keepIssue(issue: DriftIssueText): Promise<IssueOutcome>
  /** Closes the action's open issue carrying the marker, with a comment; undefined when none is open. */
  closeIssue(marker: string, label: string, comment: string): Promise<IssueOutcome | undefined>
  /** Writes the branch through the git database: blobs, a tree over the base's, a commit, the ref. */
  writeBranch(branch: DriftBranch): Promise<BranchOutcome>
  /** Updates the open pull request from `head`, or opens one into `base`. */
  keepPullRequest(pull: {
    head: string
    base: string
    title: string
    body: string
  }): Promise<PullOutcome>
  /**
   * Closes the open pull request from `head`, with a comment, when the branch's commit is the action's (`trailer`);
   * undefined when none is open.
   */
  closePullRequest(head: string, comment: string, trailer: string): Promise<PullOutcome | undefined>
}
