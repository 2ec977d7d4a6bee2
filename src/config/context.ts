import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ActionError, errorMessage } from '../model/errors.js'
import {
  sameRepository,
  type PullRequestInfo,
  type PushInfo,
  type RunContext,
  type RunHead,
  type ThisRepository
} from '../model/context.js'
import { z } from 'zod'

type Env = Record<string, string | undefined>

export function readRunContext(env: Env = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? 'workflow_dispatch'
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const repository = thisRepository(env, payload)
  const pr = payload.pull_request
  let pullRequest: PullRequestInfo | undefined
  let sha = env.GITHUB_SHA ?? ''
  if (pr) {
    pullRequest = {
      number: pr.number ?? payload.number ?? NaN,
      baseSha: pr.base?.sha ?? '',
      headSha: pr.head?.sha ?? sha,
      changedFiles: pr.changed_files,
      action: payload.action,
      fork: !sameRepository(pr.head?.repo, pr.base?.repo, repository)
    }
    if (pullRequest.headSha) sha = pullRequest.headSha
  }
  const group = payload.merge_group
  // A merge queue entry: changed files and drift are measured like a PR's, but there is nothing to comment on.
  if (eventName === 'merge_group' && group?.head_sha) {
    sha = group.head_sha
    pullRequest = { number: 0, baseSha: group.base_sha ?? '', headSha: group.head_sha, fork: false }
  }
  const run = eventName === 'workflow_run' ? pullRequestRun(payload, repository) : undefined
  if (run) {
    sha = run.headSha
    pullRequest = run.pullRequest
  }
  let push: PushInfo | undefined
  if (eventName === 'push') {
    push = {
      before: payload.before ?? '',
      after: payload.after ?? sha,
      ref: payload.ref ?? env.GITHUB_REF ?? ''
    }
    if (push.after) sha = push.after
  }
  return {
    eventName,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    sha,
    owner,
    repo,
    ...(repository.id !== undefined && { repositoryId: repository.id }),
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    runId: env.GITHUB_RUN_ID ?? '',
    pullRequest,
    ...(run?.head && { runHead: run.head }),
    push,
    ref: env.GITHUB_REF || undefined,
    defaultBranch: payload.repository?.default_branch
  }
}

/** A field the run can do without: one of another type is read as absent. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined)
const sha = optional(z.string().min(1))
const text = optional(z.string())
const anything = z.unknown().optional()
/** A pull request's head or base; `repo` is checked by the fork rule itself (`sameRepository`). */
const side = optional(z.looseObject({ sha, repo: anything }))

/** The event payload's fields the action reads (docs/modes.md): one of another type is absent, as if not sent. */
const eventPayload = z.looseObject({
  action: text,
  number: optional(z.number()),
  pull_request: optional(
    z.looseObject({
      number: optional(z.number()),
      head: side,
      base: side,
      changed_files: optional(z.number())
    })
  ),
  merge_group: optional(z.looseObject({ head_sha: sha, base_sha: text })),
  workflow_run: optional(
    z.looseObject({
      head_sha: sha,
      event: anything,
      head_branch: sha,
      head_repository: anything,
      repository: anything,
      pull_requests: z
        .array(optional(z.looseObject({ number: optional(z.int()), head: side, base: side })))
        .catch([])
    })
  ),
  before: text,
  after: text,
  ref: text,
  repository: optional(
    z.looseObject({
      id: optional(z.int().positive()),
      full_name: anything,
      default_branch: text
    })
  )
})
type EventPayload = z.infer<typeof eventPayload>

/** What a `workflow_run` tells of its head repository, for finding a fork's pull request by its head. */
const headRepository = z.object({
  full_name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) })
})

/** `GITHUB_REPOSITORY`, with its id when the payload's `repository` agrees with `GITHUB_REPOSITORY_ID`. */
function thisRepository(env: Env, payload: EventPayload): ThisRepository {
  const fullName = env.GITHUB_REPOSITORY ?? ''
  const id = payload.repository?.id
  const known =
    payload.repository?.full_name === fullName &&
    id !== undefined &&
    (env.GITHUB_REPOSITORY_ID === undefined || env.GITHUB_REPOSITORY_ID === String(id))
  return known ? { fullName, id } : { fullName }
}

/**
 * A pull request's `workflow_run` (docs/modes.md#fork-pull-requests): the commit is the run's head; a fork's has
 * no pull request in the payload, so its head is named for the action to find it. The fork rule is
 * `sameRepository`.
 */
function pullRequestRun(
  payload: EventPayload,
  repository: ThisRepository
): { headSha: string; pullRequest?: PullRequestInfo; head?: RunHead } | undefined {
  const run = payload.workflow_run
  const headSha = run?.head_sha
  if (!run || !headSha || !PULL_REQUEST_WORKFLOWS.includes(String(run.event))) return undefined
  const fromThisRepository = sameRepository(run.head_repository, run.repository, repository)
  const entry = run.pull_requests.find(
    (candidate) =>
      candidate?.head?.sha === headSha &&
      repository.id !== undefined &&
      baseRepositoryId.safeParse(candidate.base?.repo).data?.id === repository.id &&
      candidate.number !== undefined
  )
  if (entry) {
    return {
      headSha,
      pullRequest: {
        number: entry.number!,
        baseSha: entry.base?.sha ?? '',
        headSha,
        fork: !(
          fromThisRepository && sameRepository(entry.head?.repo, entry.base?.repo, repository)
        )
      }
    }
  }
  const head = headRepository.safeParse(run.head_repository).data
  return {
    headSha,
    head:
      head && run.head_branch
        ? {
            label: `${head.owner.login}:${run.head_branch}`,
            repository: head.full_name,
            sha: headSha
          }
        : undefined
  }
}

const baseRepositoryId = z.looseObject({ id: anything })

const PULL_REQUEST_WORKFLOWS = ['pull_request', 'pull_request_target']

/** The event's JSON, which the runner writes for every job: without it the run cannot tell what to plan. */
function readPayload(path: string | undefined): EventPayload {
  const fail = (why: string) =>
    new ActionError(
      `The event payload (GITHUB_EVENT_PATH${path ? `=${path}` : ''}) ${why}. The runner writes this file for every job: check that no earlier step removed or rewrote it, or point GITHUB_EVENT_PATH at the event's JSON when running the action elsewhere.`
    )
  if (!path) throw fail('is not set')
  let payload: unknown
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (error instanceof SyntaxError) throw fail(`is not valid JSON (${errorMessage(error)})`)
    throw fail(code === 'ENOENT' ? 'does not exist' : `cannot be read (${errorMessage(error)})`)
  }
  const read = eventPayload.safeParse(payload)
  if (!read.success) throw fail('is not a JSON object')
  return read.data
}
