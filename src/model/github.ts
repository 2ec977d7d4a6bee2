/** The small, typed view of GitHub that the rest of the action uses (so the core is tested without servers). */

/** One changed file; `previousPath` is set for renames (both sides count as changed). */
export interface ChangedPath {
  path: string
  previousPath?: string
}

export interface ChangedPathList {
  paths: ChangedPath[]
  /** GitHub listed fewer files than changed (3,000-file cap on PRs, 300 on compares). */
  truncated: boolean
}

export interface CompareResult extends ChangedPathList {
  /** GitHub's relation of head to base: `ahead` means base is an ancestor of head. */
  status: 'ahead' | 'behind' | 'diverged' | 'identical'
}

export interface StickyComment {
  id: number
  body: string
  url: string
}

/** The comments carrying a marker, split by whether this token's own identity wrote them. */
export interface AuthoredComments {
  /** The login this token acts as; undefined when GitHub would not say it. */
  identity?: string
  /** Written by `identity`, oldest first. */
  comments: StickyComment[]
  /** Written by anyone else: never taken as the action's. */
  others: { author: string; url: string }[]
}

export type CommentOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  /** The token may not comment (fork PR, missing permission); `message` says how to fix it. */
  | { status: 'forbidden'; message: string }

/** A pull request as the API answers now; its repositories raw, for the fork rule (`sameRepository`). */
export interface PullRequestState {
  number: number
  state: 'open' | 'closed'
  headSha: string
  baseSha: string
  headRepository: unknown
  baseRepository: unknown
}

export interface GitHubPort {
  listPullRequestFiles(pr: number): Promise<ChangedPathList>
  /** Files changed between `base` and `head` (three-dot: since their merge base). */
  compareCommits(base: string, head: string): Promise<CompareResult>
  /** The action's comment carrying `marker` on its first line, written by a bot or this token's user. */
  findStickyComment(issue: number, marker: string): Promise<StickyComment | undefined>
  /**
   * Those carrying `marker` by this token's own identity, and by others: what `require-reviewed-plan` trusts
   * (docs/guarantees.md#reviewed-plan).
   */
  commentsByThisToken(issue: number, marker: string): Promise<AuthoredComments>
  /** Every such comment, oldest first: more than one only after runs raced (docs/comment.md#sticky-comment). */
  stickyComments(issue: number, marker: string): Promise<StickyComment[]>
  /**
   * Updates the one comment carrying `marker`, or creates it; never leaves two. `seen`: those found earlier
   * (`stickyComments`), rewritten without another read; `sent` is told when the first request leaves.
   */
  upsertStickyComment(
    issue: number,
    marker: string,
    body: string,
    seen?: readonly StickyComment[],
    sent?: () => void
  ): Promise<CommentOutcome>
  /** Rewrites a comment found with `findStickyComment` (e.g. to add the Deployed section). */
  updateComment(id: number, body: string): Promise<CommentOutcome>
  /** The merged PR that brought `sha` in (prefers the one whose merge commit is `sha`). */
  findMergedPullRequest(sha: string): Promise<number | undefined>
  pullRequest(number: number): Promise<PullRequestState | undefined>
  /** The open pull requests whose head is `label` (`owner:branch`), newest first. */
  openPullRequestsOf(label: string): Promise<PullRequestState[]>
  /** File bytes at `ref`, or undefined when the path does not exist there (or is not a file). */
  getFileAtRef(path: string, ref: string): Promise<Uint8Array | undefined>
}
