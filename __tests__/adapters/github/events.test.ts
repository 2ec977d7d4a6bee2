import { describe, expect, it } from 'vitest'
import type { GitRepo } from '../../../test-support/git-repo.js'
import {
  dispatchEvent,
  pullRequestClosedEvent,
  pullRequestEvent,
  scheduleEvent
} from '../../../test-support/scenario.js'

const repo = { dir: '/workspace' } as GitRepo
const BASE = 'a'.repeat(40)
const HEAD = 'b'.repeat(40)
const MERGE = 'c'.repeat(40)

describe('events as GitHub sends them to the action', () => {
  it('closes a pull request merged: merge commit as GITHUB_SHA, merged fields in the payload', () => {
    const event = pullRequestClosedEvent(repo, BASE, HEAD, {
      number: 12,
      merged: true,
      mergeCommitSha: MERGE
    })
    expect(event).toMatchObject({
      eventName: 'pull_request',
      sha: MERGE,
      ref: 'refs/pull/12/merge',
      workspace: '/workspace',
      payload: {
        action: 'closed',
        number: 12,
        pull_request: {
          number: 12,
          state: 'closed',
          merged: true,
          merge_commit_sha: MERGE,
          head: { sha: HEAD, repo: { full_name: 'octo/kestra-repo', fork: false } },
          base: { sha: BASE, ref: 'main' }
        }
      }
    })
    expect(event.payload.pull_request.merged_at).toBe(event.payload.pull_request.closed_at)
  })

  it('closes a pull request unmerged, from a fork if asked', () => {
    const event = pullRequestClosedEvent(repo, BASE, HEAD, { merged: false, fork: true })
    expect(event.sha).toBe(HEAD)
    expect(event.payload.pull_request).toMatchObject({
      state: 'closed',
      merged: false,
      merged_at: null,
      merge_commit_sha: null,
      head: { repo: { full_name: 'stranger/kestra-repo', fork: true } }
    })
    expect(pullRequestEvent(repo, BASE, HEAD, { fork: true }).payload.pull_request.head).toEqual({
      sha: HEAD,
      ref: 'feature',
      repo: { full_name: 'stranger/kestra-repo', fork: true }
    })
  })

  it('runs a schedule on the default branch with only the cron that fired', () => {
    expect(scheduleEvent(repo, HEAD, '*/15 * * * *')).toEqual({
      eventName: 'schedule',
      sha: HEAD,
      ref: 'refs/heads/main',
      payload: { schedule: '*/15 * * * *' },
      workspace: '/workspace'
    })
  })

  it('dispatches a workflow with string inputs on a ref', () => {
    const event = dispatchEvent(repo, HEAD, {
      inputs: { mode: 'drift' },
      ref: 'refs/heads/release'
    })
    expect(event).toMatchObject({
      eventName: 'workflow_dispatch',
      sha: HEAD,
      ref: 'refs/heads/release',
      payload: {
        ref: 'refs/heads/release',
        inputs: { mode: 'drift' },
        repository: { full_name: 'octo/kestra-repo', default_branch: 'main' },
        sender: { login: 'octocat' }
      }
    })
    expect(dispatchEvent(repo, HEAD).payload.inputs).toEqual({})
  })
})
