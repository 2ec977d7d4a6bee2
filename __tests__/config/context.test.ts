import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRunContext } from '../../src/config/context.js'
import { resolveMode } from '../../src/config/target.js'

function contextOf(eventName: string, payload: object, env: Record<string, string> = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'kga-ctx-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return readRunContext({
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_SHA: 'merge',
    ...env
  })
}

describe('run context', () => {
  it('plans the PR head (not the merge commit) and detects forks', () => {
    const context = contextOf('pull_request', {
      number: 5,
      pull_request: {
        number: 5,
        changed_files: 2,
        head: { sha: 'h', repo: { full_name: 'x/r' } },
        base: { sha: 'b', repo: { full_name: 'o/r' } }
      }
    })
    expect(context.sha).toBe('h')
    expect(context.pullRequest).toEqual({
      number: 5,
      baseSha: 'b',
      headSha: 'h',
      changedFiles: 2,
      fork: true
    })
  })

  it('measures a merge queue entry from its base, without a PR to comment on', () => {
    const context = contextOf('merge_group', { merge_group: { head_sha: 'h', base_sha: 'b' } })
    expect(context.sha).toBe('h')
    expect(context.pullRequest).toMatchObject({
      number: 0,
      baseSha: 'b',
      headSha: 'h',
      fork: false
    })
  })

  it('deploys the pushed tip from before..after', () => {
    const context = contextOf('push', { before: 'a', after: 'c', ref: 'refs/heads/main' })
    expect(context.sha).toBe('c')
    expect(context.push).toEqual({ before: 'a', after: 'c', ref: 'refs/heads/main' })
  })

  it('resolves auto per event, and dry-run turns deploy into plan', () => {
    const auto = { mode: 'auto' as const, dryRun: false }
    expect(
      [
        'pull_request',
        'pull_request_target',
        'merge_group',
        'push',
        'workflow_dispatch',
        'schedule'
      ].map((e) => resolveMode(auto, e))
    ).toEqual(['plan', 'plan', 'plan', 'deploy', 'deploy', 'plan'])
    expect(resolveMode({ mode: 'deploy', dryRun: true }, 'push')).toBe('plan')
    expect(resolveMode({ mode: 'validate', dryRun: false }, 'push')).toBe('validate')
  })

  it('names GITHUB_EVENT_PATH when the payload is missing, unreadable or not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kga-ctx-'))
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    const cases: [string | undefined, RegExp][] = [
      [undefined, /GITHUB_EVENT_PATH\) is not set/],
      [join(dir, 'absent.json'), /GITHUB_EVENT_PATH=.*absent\.json\) does not exist/],
      [dir, /GITHUB_EVENT_PATH=.*\) cannot be read \(EISDIR/],
      [file('truncated.json', '{"pull_request": {'), /is not valid JSON/],
      [file('null.json', 'null'), /is not a JSON object/],
      [file('list.json', '[]'), /is not a JSON object/]
    ]
    for (const [path, message] of cases) {
      expect(() => readRunContext({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: path })).toThrow(
        message
      )
    }
    expect(() => readRunContext({ GITHUB_EVENT_PATH: join(dir, 'absent.json') })).toThrow(
      /runner writes this file for every job/
    )
  })
})
