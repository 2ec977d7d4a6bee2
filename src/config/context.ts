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
import { isRecord } from '../model/content.js'

type Env = Record<string, string | undefined>

export function readRunContext(env: Env = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? 'workflow_dispatch'
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const repository = thisRepository(env, payload)
  const pr = payload.pull_request as Record<string, unknown> | undefined
  let pullRequest: PullRequestInfo | undefined
  let sha = env.GITHUB_SHA ?? ''
  if (isRecord(pr)) {
    const head = recordOf(pr.head)
    const base = recordOf(pr.base)
    pullRequest = {
      number: Number(pr.number ?? payload.number),
      baseSha: stringOf(base?.sha) ?? '',
      headSha: stringOf(head?.sha) ?? sha,
      changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : undefined,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      fork: !sameRepository(head?.repo, base?.repo, repository)
    }
    if (pullRequest.headSha) sha = pullRequest.headSha
  }
  if (eventName === 'merge_group') {
    // A merge queue entry: changed files and drift are measured like a PR's, but there is nothing to comment on.
    const group = payload.merge_group as { head_sha?: string; base_sha?: string } | undefined
    if (group?.head_sha) {
      sha = group.head_sha
      pullRequest = {
        number: 0,
        baseSha: group.base_sha ?? '',
        headSha: group.head_sha,
        fork: false
      }
    }
  }
  const run = eventName === 'workflow_run' ? pullRequestRun(payload, repository) : undefined
  if (run) {
    sha = run.headSha
    pullRequest = run.pullRequest
  }
  let push: PushInfo | undefined
  if (eventName === 'push') {
    push = {
      before: String(payload.before ?? ''),
      after: String(payload.after ?? sha),
      ref: String(payload.ref ?? env.GITHUB_REF ?? '')
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
    defaultBranch: defaultBranchOf(payload)
  }
}

/**
 * This repository: `GITHUB_REPOSITORY`, and its id when the payload's `repository` is that repository
 * and agrees with `GITHUB_REPOSITORY_ID` (when the runner sets it).
 */
function thisRepository(env: Env, payload: Record<string, unknown>): ThisRepository {
  const fullName = env.GITHUB_REPOSITORY ?? ''
  const described = recordOf(payload.repository)
  const id = described?.id
  const known =
    described?.full_name === fullName &&
    typeof id === 'number' &&
    Number.isSafeInteger(id) &&
    id > 0 &&
    (env.GITHUB_REPOSITORY_ID === undefined || env.GITHUB_REPOSITORY_ID === String(id))
  return known ? { fullName, id } : { fullName }
}

/**
 * A `workflow_run` that a pull request's workflow started (docs/modes.md#fork-pull-requests): the commit
 * is the run's head. Its pull request is the payload's entry for that head in this repository; GitHub lists
 * none for a fork's, so the run then names the head for the action to find its pull request through the
 * API. Either way, the fork rule is the pull request events' (`sameRepository`).
 */
function pullRequestRun(
  payload: Record<string, unknown>,
  repository: ThisRepository
): { headSha: string; pullRequest?: PullRequestInfo; head?: RunHead } | undefined {
  const run = recordOf(payload.workflow_run)
  const headSha = stringOf(run?.head_sha)
  if (!run || !headSha || !PULL_REQUEST_WORKFLOWS.includes(String(run.event))) return undefined
  const headRepository = recordOf(run.head_repository)
  const fromThisRepository = sameRepository(headRepository, run.repository, repository)
  const entries = Array.isArray(run.pull_requests) ? run.pull_requests.map(recordOf) : []
  const entry = entries.find((candidate) => {
    const base = recordOf(candidate?.base)
    return (
      stringOf(recordOf(candidate?.head)?.sha) === headSha &&
      repository.id !== undefined &&
      recordOf(base?.repo)?.id === repository.id &&
      Number.isSafeInteger(candidate?.number)
    )
  })
  if (entry) {
    const head = recordOf(entry.head)
    const base = recordOf(entry.base)
    return {
      headSha,
      pullRequest: {
        number: entry.number as number,
        baseSha: stringOf(base?.sha) ?? '',
        headSha,
        fork: !(fromThisRepository && sameRepository(head?.repo, base?.repo, repository))
      }
    }
  }
  const owner = stringOf(recordOf(headRepository?.owner)?.login)
  const branch = stringOf(run.head_branch)
  const fullName = stringOf(headRepository?.full_name)
  return {
    headSha,
    head:
      owner && branch && fullName
        ? { label: `${owner}:${branch}`, repository: fullName, sha: headSha }
        : undefined
  }
}

const PULL_REQUEST_WORKFLOWS = ['pull_request', 'pull_request_target']

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function defaultBranchOf(payload: Record<string, unknown>): string | undefined {
  const repository = payload.repository as { default_branch?: unknown } | undefined
  return typeof repository?.default_branch === 'string' ? repository.default_branch : undefined
}

/** The event's JSON, which the runner writes for every job: without it the run cannot tell what to plan. */
function readPayload(path: string | undefined): Record<string, unknown> {
  const fail = (why: string) =>
    new ActionError(
      `The event payload (GITHUB_EVENT_PATH${path ? `=${path}` : ''}) ${why}. The runner writes this file for every job: check that no earlier step removed or rewrote it, or point GITHUB_EVENT_PATH at the event's JSON when running the action elsewhere.`
    )
  if (!path) throw fail('is not set')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw fail(code === 'ENOENT' ? 'does not exist' : `cannot be read (${errorMessage(error)})`)
  }
  let payload: unknown
  try {
    payload = JSON.parse(text)
  } catch (error) {
    throw fail(`is not valid JSON (${errorMessage(error)})`)
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw fail('is not a JSON object')
  }
  return payload as Record<string, unknown>
}
