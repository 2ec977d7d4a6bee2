import { z } from 'zod'
export interface RunContext {
  eventName: string
  workspace: string
  runnerTemp: string
  /** The PR head on PR events. */
  sha: string
  owner: string
  repo: string
  /** When the payload proves it (the fork rule compares ids with it). */
  repositoryId?: number
  serverUrl: string
  apiUrl: string
  runId: string
  pullRequest?: PullRequestInfo
  /** A pull request's `workflow_run` whose payload names no pull request (a fork's): its head, to find it. */
  runHead?: RunHead
  push?: PushInfo
  /** GITHUB_REF (`refs/heads/main`). */
  ref?: string
  /** When the payload names it (a schedule's does not). */
  defaultBranch?: string
  /** A CLI run on a local checkout: no GitHub event, nothing to link to. */
  local?: boolean
}

export interface PullRequestInfo {
  number: number
  baseSha: string
  headSha: string
  /** Per the payload, to detect the listing cap. */
  changedFiles?: number
  /** Not provably this repository's (`sameRepository`): it gets no preview and is never deployed. */
  fork: boolean
  action?: string
  /**
   * A fork's `workflow_run`: the other open pull requests of this head, commit and base; each gets the comment
   * (docs/modes.md#fork-pull-requests).
   */
  sameHead?: number[]
}

/** The files the run reads are provably this repository's; a fork's settings file is not read (docs/inputs.md). */
export function checkoutIsOwn(context: Pick<RunContext, 'pullRequest' | 'runHead'>): boolean {
  return context.pullRequest?.fork !== true && context.runHead === undefined
}

export interface RunHead {
  /** `owner:branch`, as GitHub's pull request listing filters by it. */
  label: string
  /** A pull request from another repository of that owner is not this run's. */
  repository: string
  sha: string
}

export interface PushInfo {
  before: string
  after: string
  ref: string
}

const PR_EVENTS = ['pull_request', 'pull_request_target', 'merge_group']

/** A pull request's run: its event, or a `workflow_run` whose pull request the run found. */
export function onPullRequest(context: Pick<RunContext, 'eventName' | 'pullRequest'>): boolean {
  return (
    PR_EVENTS.includes(context.eventName) ||
    (context.eventName === 'workflow_run' && context.pullRequest !== undefined)
  )
}

export interface ThisRepository {
  fullName: string
  id?: number
}

/**
 * The head and base repositories of a pull request are provably this one (docs/github.md#fork-pull-requests):
 * each identifying field present (`full_name`, `id`) is on both, well formed and names this repository, and
 * at least one proves it. Anything else (missing, `null`, deleted, another owner or case, ids that disagree) is a
 * fork.
 */
export function sameRepository(head: unknown, base: unknown, repository: ThisRepository): boolean {
  const [h, b] = [gitHubRepository.safeParse(head).data, gitHubRepository.safeParse(base).data]
  if (!h || !b || !/^[^/\s]+\/[^/\s]+$/.test(repository.fullName)) return false
  let proven = false
  const names = [h.full_name, b.full_name]
  if (names.some((name) => name !== undefined)) {
    if (!names.every((name) => name === repository.fullName)) return false
    proven = true
  }
  if (h.id !== undefined || b.id !== undefined) {
    if (h.id !== b.id) return false
    if (repository.id !== undefined) {
      if (h.id !== repository.id) return false
      proven = true
    }
  }
  return proven
}

/** An `id` that is not a positive whole number makes the repository unreadable: a fork. */
const gitHubRepository = z.looseObject({
  full_name: z.unknown().optional(),
  id: z.int().positive().optional()
})
