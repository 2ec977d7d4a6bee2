/** What the run is about, read once from the runner's environment and event payload. */
export interface RunContext {
  eventName: string
  workspace: string
  runnerTemp: string
  /** The commit being planned or deployed (the PR head on PR events). */
  sha: string
  owner: string
  repo: string
  serverUrl: string
  apiUrl: string
  runId: string
  pullRequest?: PullRequestInfo
  push?: PushInfo
  /** GITHUB_REF: the branch or tag the run is on (`refs/heads/main`). */
  ref?: string
  /** The repository's default branch, when the payload names it (a schedule's payload does not). */
  defaultBranch?: string
  /** A CLI run on a local checkout: no GitHub event, nothing to link to. */
  local?: boolean
}

export interface PullRequestInfo {
  number: number
  baseSha: string
  headSha: string
  /** Files changed according to the payload (for detecting the listing cap). */
  changedFiles?: number
  /** Head repository differs from the base repository. */
  fork: boolean
  /** The event's `action` (`opened`, `synchronize`, `closed`…). */
  action?: string
}

export interface PushInfo {
  before: string
  after: string
  ref: string
}

export const PR_EVENTS = ['pull_request', 'pull_request_target', 'merge_group']
