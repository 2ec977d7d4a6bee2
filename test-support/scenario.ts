/**
 * Building blocks shared by end-to-end tests, the demo and the benchmark: events as GitHub sends them
 * (payload fields as in https://docs.github.com/webhooks/webhook-events-and-payloads, `GITHUB_SHA` and
 * `GITHUB_REF` per event as in https://docs.github.com/actions/reference/events-that-trigger-workflows).
 */
import { createGitRepo, type FileSpec, type GitRepo } from './git-repo.js'
import { runAction } from './runner.js'

export const CREDENTIALS = { username: 'admin@example.com', password: 'S3cret-Kestra-pass' }

const REPOSITORY = 'octo/kestra-repo'

export interface PullRequestOptions {
  number?: number
  /** The head branch lives in a fork (`stranger/kestra-repo`): its token is read-only, no secrets. */
  fork?: boolean
}

export function pullRequestEvent(
  repo: GitRepo,
  base: string,
  head: string,
  options: PullRequestOptions = {}
) {
  const number = options.number ?? 7
  return {
    eventName: 'pull_request',
    sha: head,
    payload: {
      action: 'synchronize',
      number,
      pull_request: pullRequest(number, base, head, options)
    },
    workspace: repo.dir
  }
}

/**
 * A pull request's `closed` event, merged or not. GITHUB_REF is its merge ref and GITHUB_SHA the merge
 * commit when merged (the head otherwise); the payload says `state: closed` with `merged` and
 * `merge_commit_sha`.
 */
export function pullRequestClosedEvent(
  repo: GitRepo,
  base: string,
  head: string,
  options: PullRequestOptions & { merged: boolean; mergeCommitSha?: string }
) {
  const number = options.number ?? 7
  const mergeCommit = options.merged ? (options.mergeCommitSha ?? head) : null
  const closedAt = '2026-01-02T00:00:00Z'
  return {
    eventName: 'pull_request',
    sha: mergeCommit ?? head,
    ref: `refs/pull/${number}/merge`,
    payload: {
      action: 'closed',
      number,
      pull_request: {
        ...pullRequest(number, base, head, options),
        state: 'closed',
        closed_at: closedAt,
        merged: options.merged,
        merged_at: options.merged ? closedAt : null,
        merge_commit_sha: mergeCommit
      }
    },
    workspace: repo.dir
  }
}

function pullRequest(number: number, base: string, head: string, options: PullRequestOptions) {
  return {
    number,
    head: {
      sha: head,
      ref: 'feature',
      repo: {
        full_name: options.fork ? 'stranger/kestra-repo' : REPOSITORY,
        fork: options.fork === true
      }
    },
    base: { sha: base, ref: 'main', repo: { full_name: REPOSITORY, fork: false } }
  }
}

/**
 * A `schedule` run: no webhook payload but the cron that fired (`github.event.schedule`); it runs on
 * the default branch's last commit.
 */
export function scheduleEvent(repo: GitRepo, sha: string, cron = '0 6 * * *') {
  return {
    eventName: 'schedule',
    sha,
    ref: 'refs/heads/main',
    payload: { schedule: cron },
    workspace: repo.dir
  }
}

export function pushEvent(repo: GitRepo, before: string, after: string) {
  return {
    eventName: 'push',
    sha: after,
    ref: 'refs/heads/main',
    payload: { ref: 'refs/heads/main', before, after, forced: false, created: false },
    workspace: repo.dir
  }
}

/** `workflow_dispatch`: `inputs` are strings, `ref` the branch (or tag) it was dispatched on. */
export function dispatchEvent(
  repo: GitRepo,
  sha: string,
  options: { inputs?: Record<string, string>; ref?: string } = {}
) {
  const ref = options.ref ?? 'refs/heads/main'
  const [owner, name] = REPOSITORY.split('/')
  return {
    eventName: 'workflow_dispatch',
    sha,
    ref,
    payload: {
      ref,
      inputs: options.inputs ?? {},
      repository: { full_name: REPOSITORY, name, owner: { login: owner }, default_branch: 'main' },
      sender: { login: 'octocat', type: 'User' },
      workflow: '.github/workflows/kestra.yml'
    },
    workspace: repo.dir
  }
}

export function flow(namespace: string, id: string, extra = ''): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello from ${id}${extra}\n`
}

/** A repository of `files`, validated by the bundled action as a `workflow_dispatch` in validate mode. */
export function validateFiles(
  files: Record<string, FileSpec>,
  inputs: Record<string, string> = {}
) {
  const repo = createGitRepo(files)
  return runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: { mode: 'validate', ...inputs }
  })
}
