/** Public types of the fake GitHub REST API (see index.ts). */
import type { GitStore } from './git-store.js'
import type { Access, Scope, TokenPermissions } from './permissions.js'

export type { Access, Scope, TokenPermissions }

export interface FakeUser {
  login: string
  type: 'Bot' | 'User'
}

export interface FakeComment {
  id: number
  body: string
  user: FakeUser
  html_url: string
  created_at: string
}

export interface FakePullFile {
  filename: string
  previous_filename?: string
  status?: string
  /** The file's unified diff, as GitHub gives it (none for a binary or too large a diff). */
  patch?: string
}

/** A pull request review (https://docs.github.com/rest/pulls/reviews). */
export interface FakeReview {
  id: number
  pull: number
  user: FakeUser
  body: string
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING'
  commit_id: string
  submitted_at: string
}

/** A review comment on a line of a pull request's diff (https://docs.github.com/rest/pulls/comments). */
export interface FakeReviewComment {
  id: number
  review: number
  pull: number
  user: FakeUser
  path: string
  body: string
  line: number
  side: 'LEFT' | 'RIGHT'
  start_line?: number
  start_side?: 'LEFT' | 'RIGHT'
  commit_id: string
  diff_hunk: string
  created_at: string
}

export interface FakeCommitPull {
  number: number
  merged_at?: string | null
  merge_commit_sha?: string | null
}

export interface FakeCompare {
  status: 'ahead' | 'behind' | 'diverged' | 'identical'
  files: FakePullFile[]
}

export interface FakeIssue {
  id: number
  number: number
  title: string
  body: string | null
  /** Label names, in the order they were set. */
  labels: string[]
  state: 'open' | 'closed'
  state_reason: string | null
  user: FakeUser
  created_at: string
  updated_at: string
  closed_at: string | null
}

export interface FakePull {
  id: number
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  draft: boolean
  maintainer_can_modify: boolean
  user: FakeUser
  /** `owner` is the head repository's owner (`owner:ref` is its label). */
  head: { owner: string; ref: string; sha: string }
  base: { ref: string; sha: string }
  created_at: string
  updated_at: string
  closed_at: string | null
}

export interface FakePullSeed {
  number: number
  head: { owner?: string; ref: string; sha: string }
  base: { ref: string; sha: string }
  state?: 'open' | 'closed'
}

export interface FakeDeployment {
  id: number
  sha: string
  ref: string
  task: string
  payload: unknown
  original_environment: string
  /** The environment of its latest status that named one, else the original. */
  environment: string
  description: string
  creator: FakeUser
  created_at: string
  updated_at: string
  transient_environment: boolean
  production_environment: boolean
}

export interface FakeDeploymentStatus {
  id: number
  deployment_id: number
  state: string
  description: string
  environment: string
  target_url: string
  log_url: string
  environment_url: string
  creator: FakeUser
  created_at: string
  updated_at: string
}

export interface FakeEnvironment {
  id: number
  name: string
  created_at: string
  updated_at: string
}

/** A commit status (`POST /statuses/{sha}`), read by a deployment's `required_contexts` check. */
export interface FakeCommitStatus {
  context: string
  state: 'error' | 'failure' | 'pending' | 'success'
}

export interface RecordedRequest {
  method: string
  /** Path without the query string, percent-decoded. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body, or the raw text. */
  body: unknown
  status: number
  accept: string
  /**
   * Who the request's token acts as: a `tokens` entry's user, else the workflow token's (never the token
   * itself, so the log can be scanned for credentials).
   */
  actor: string
}

/** A token other than the workflow's: its identity and what it may do (a fine-grained token, an App's). */
export interface FakeToken {
  user: FakeUser
  /** Default: write on every scope. The workflow's `permissions:` bind GITHUB_TOKEN only. */
  permissions?: TokenPermissions
  /** Expired or revoked: every request with it answers 401 "Bad credentials", GraphQL's included. */
  revoked?: boolean
}

export interface FailRule {
  method: string
  /** Exact path (without query) or a pattern. */
  path: string | RegExp
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** How many matching requests fail (default 1). */
  times?: number
  /** How many matching requests pass before the first failure (default 0): fails the n-th of a kind. */
  skip?: number
}

/** Holds matching requests until `count` of them are waiting, then answers them together. */
export interface GateRule {
  method: string
  path: string | RegExp
  count: number
  /** Release whatever is waiting after this long (default 10 000 ms), so a test never hangs. */
  timeoutMs?: number
}

export interface FakeGitHubOptions {
  /** owner/name the fake serves (default octo/kestra-repo, as the runner harness); another is a 404. */
  repository?: string
  /** The token's identity: who comments, issues, pull requests and deployments appear to be from. */
  commenter?: FakeUser
  /**
   * Login `GET /user` returns for the workflow token (a person's token); unset answers 403 as it does for
   * GITHUB_TOKEN. GraphQL's `viewer` answers `commenter`'s login for every kind of token.
   */
  viewer?: string
  /** Contents over this size come without inline content, as GitHub does above 1 MB. */
  inlineContentLimit?: number
  /** Every answer waits this long, as GitHub's round trip would (default 0). */
  latencyMs?: number
  /** The workflow's `permissions:`; unlisted scopes are granted write (GitHub's permissive default). */
  permissions?: TokenPermissions
  /**
   * The repository setting "Allow GitHub Actions to create and approve pull requests": off by default
   * in new repositories, and then creating a pull request with the workflow token is a 403.
   */
  actionsCanCreatePullRequests?: boolean
  /** The repository has issues turned on (default true); otherwise the issue routes answer 410. */
  hasIssues?: boolean
  /**
   * Tokens other than the workflow's, by value: a request with one acts as its user, with its permissions.
   * Any other token is the workflow's GITHUB_TOKEN (`commenter`, `permissions`).
   */
  tokens?: Record<string, FakeToken>
}

export interface FakeGitHubState {
  comments: Map<number, FakeComment[]>
  pullFiles: Map<number, FakePullFile[]>
  commitPulls: Map<string, FakeCommitPull[]>
  compares: Map<string, FakeCompare>
  /** `${ref}:${path}` → bytes; a path not set here is read from `git` at that ref. */
  contents: Map<string, Uint8Array>
  writesForbidden: boolean
  nextCommentId: number
  issues: Map<number, FakeIssue>
  pulls: Map<number, FakePull>
  /** Oldest first. */
  deployments: FakeDeployment[]
  /** Per deployment id, oldest first. */
  deploymentStatuses: Map<number, FakeDeploymentStatus[]>
  environments: Map<string, FakeEnvironment>
  commitStatuses: Map<string, FakeCommitStatus[]>
  git: GitStore
  permissions: Record<Scope, Access>
  /** Oldest first. */
  reviews: FakeReview[]
  /** Oldest first. */
  reviewComments: FakeReviewComment[]
}

export interface FakeGitHub {
  url: string
  state: FakeGitHubState
  /** Every request, failed and refused ones included, in arrival order. */
  requests: RecordedRequest[]
  /** The comments of an issue, oldest first. */
  comments(issue: number): FakeComment[]
  /** The review comments of a pull request (on its diff's lines), oldest first. */
  reviewComments(pull: number): FakeReviewComment[]
  /** Review comments as someone else wrote them (`user`), on lines the pull request's diff shows. */
  seedReviewComments(
    pull: number,
    comments: Omit<FakeReviewComment, 'id' | 'review' | 'pull' | 'created_at' | 'diff_hunk'>[]
  ): void
  seedComments(issue: number, comments: { body: string; user?: FakeUser }[]): FakeComment[]
  setPullFiles(pr: number, files: (string | FakePullFile)[]): void
  setCommitPulls(sha: string, prs: FakeCommitPull[]): void
  /**
   * A pull request as GitHub already holds it (opened by someone, from this repository or from a fork
   * `head.owner`); an open one from this repository follows its head branch.
   */
  seedPull(pull: FakePullSeed): void
  setCompare(
    base: string,
    head: string,
    files: (string | FakePullFile)[],
    status?: FakeCompare['status']
  ): void
  setContent(ref: string, path: string, bytes: Uint8Array | string): void
  /** Loads the objects, refs and checked-out branch of a real repository (test-support/git-repo.ts). */
  seedFromRepository(dir: string): void
  /** Sets an environment that exists before any deployment names it. */
  addEnvironment(name: string): void
  setCommitStatuses(sha: string, statuses: FakeCommitStatus[]): void
  /** Changes the workflow token's permissions from now on. */
  setPermissions(permissions: TokenPermissions): void
  /** Writes answer 403 "Resource not accessible by integration" (a fork PR's read-only token). */
  forbidWrites(on: boolean): void
  failNext(rule: FailRule): void
  /** Makes concurrent runs race: e.g. hold both runs' comment listings so both find no comment. */
  gate(rule: GateRule): void
  close(): Promise<void>
}
