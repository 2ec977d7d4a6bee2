import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ActionError, errorMessage } from '../model/errors.js'
import {
  PR_EVENTS,
  type PullRequestInfo,
  type PushInfo,
  type RunContext
} from '../model/context.js'
import type { Mode, Settings } from '../model/settings.js'

type Env = Record<string, string | undefined>

export function readRunContext(env: Env = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? 'workflow_dispatch'
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const pr = payload.pull_request as Record<string, unknown> | undefined
  let pullRequest: PullRequestInfo | undefined
  let sha = env.GITHUB_SHA ?? ''
  if (pr && typeof pr === 'object') {
    const head = pr.head as { sha?: string; repo?: { full_name?: string } } | undefined
    const base = pr.base as { sha?: string; repo?: { full_name?: string } } | undefined
    pullRequest = {
      number: Number(pr.number ?? payload.number),
      baseSha: base?.sha ?? '',
      headSha: head?.sha ?? sha,
      changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : undefined,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      fork: Boolean(
        head?.repo?.full_name &&
        base?.repo?.full_name &&
        head.repo.full_name !== base.repo.full_name
      )
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
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    runId: env.GITHUB_RUN_ID ?? '',
    pullRequest,
    push,
    ref: env.GITHUB_REF || undefined,
    defaultBranch: defaultBranchOf(payload)
  }
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

/** What `auto` means per event (docs/modes.md#events); `dry-run` turns deploy into plan. */
export function resolveMode(settings: Pick<Settings, 'mode' | 'dryRun'>, eventName: string): Mode {
  let mode: Mode
  if (settings.mode !== 'auto') mode = settings.mode
  else if (PR_EVENTS.includes(eventName)) mode = 'plan'
  else if (eventName === 'push' || eventName === 'workflow_dispatch') mode = 'deploy'
  else mode = 'plan'
  return mode === 'deploy' && settings.dryRun ? 'plan' : mode
}
