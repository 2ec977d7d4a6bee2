import { z } from 'zod'
/** What the run is about, read once from the runner's environment and event payload. */
export interface RunContext {
  eventName: string
  workspace: string
  runnerTemp: string
  /** The commit being planned or deployed (the PR head on PR events). */
  sha: string
  owner: string
  repo: string
  /** This repository's id, when the payload proves it (the fork rule compares ids with it). */
  repositoryId?: number
  serverUrl: string
  apiUrl: string
  runId: string
  pullRequest?: PullRequestInfo
  /** A pull request's `workflow_run` whose payload names no pull request (a fork's): its head, to find it. */
  runHead?: RunHead
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
  /**
   * Not provably a pull request of this repository (`sameRepository`): a fork, a deleted head repository,
   * or anything GitHub's payload does not prove. A fork gets no preview and is never deployed.
   */
  fork: boolean
  /** The event's `action` (`opened`, `synchronize`, `closed`…). */
  action?: string
  /**
   * A fork's `workflow_run` only: the other open pull requests whose head is this run's, at the same commit
   * and the same base. Nothing in the run tells which of them started it, and the plan is the same for each:
   * each gets the comment (docs/modes.md#fork-pull-requests).
   */
  sameHead?: number[]
}

/**
 * Whether the files the run reads are provably this repository's: not a fork's pull request, nor a
 * `workflow_run` head still to be identified. A fork's own settings file is then not read (docs/inputs.md).
 */
export function checkoutIsOwn(context: Pick<RunContext, 'pullRequest' | 'runHead'>): boolean {
  return context.pullRequest?.fork !== true && context.runHead === undefined
}

export interface RunHead {
  /** `owner:branch` of the head repository, as GitHub's pull request listing filters by it. */
  label: string
  /** The head repository's `full_name`: a pull request from another repository of that owner is not this run's. */
  repository: string
  sha: string
}

export interface PushInfo {
  before: string
  after: string
  ref: string
}

export const PR_EVENTS = ['pull_request', 'pull_request_target', 'merge_group']

/** A pull request's run: its event, or a `workflow_run` whose pull request the run found. */
export function onPullRequest(context: Pick<RunContext, 'eventName' | 'pullRequest'>): boolean {
  return (
    PR_EVENTS.includes(context.eventName) ||
    (context.eventName === 'workflow_run' && context.pullRequest !== undefined)
  )
}

/** This repository as the runner names it (`GITHUB_REPOSITORY`) and, when known, its numeric id. */
export interface ThisRepository {
  fullName: string
  id?: number
}

/**
 * The head and the base repository of a pull request are provably this repository
 * (docs/github.md#fork-pull-requests). Each must be an object; every identifying field either carries
 * (`full_name`, `id`) must be present on both, well formed, and name this repository (`full_name`
 * exactly as `GITHUB_REPOSITORY`, `id` as this repository's id); and at least one of them must prove it
 * (a `full_name`, or an `id` when this repository's id is known). Anything else (missing, `null`, a
 * deleted head repository, another owner, another case, ids that disagree) is a fork.
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
  const ids = [h.id, b.id]
  if (ids.some((id) => id !== undefined)) {
    if (!ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0 && id === ids[0])) {
      return false
    }
    if (repository.id !== undefined) {
      if (ids[0] !== repository.id) return false
      proven = true
    }
  }
  return proven
}

/** A repository of a pull request's payload: its fields are checked above, one by one. */
const gitHubRepository = z.looseObject({
  full_name: z.unknown().optional(),
  id: z.unknown().optional()
})
