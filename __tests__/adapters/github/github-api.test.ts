import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubApiError } from '../../../src/adapters/github/errors.js'
import { createOctokit } from '../../../src/adapters/github/octokit.js'
import type { GitHubPort } from '../../../src/model/github.js'
import { createGitHub } from '../../../src/adapters/github/rest-github.js'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'

let fake: FakeGitHub
let github: GitHubPort

beforeEach(async () => {
  fake = await startFakeGitHub({ inlineContentLimit: 64 })
  github = createGitHub(await createOctokit('ghs_test', { baseUrl: fake.url, throttle: false }), {
    owner: 'octo',
    repo: 'kestra-repo'
  })
})
afterEach(() => fake.close())

const names = (n: number) => Array.from({ length: n }, (_, i) => `flows/f${i}.yml`)
const pagesRequested = (pattern: RegExp) =>
  fake.requests.filter((r) => pattern.test(r.path)).map((r) => [r.query.page, r.query.per_page])

describe('listPullRequestFiles', () => {
  it('reads 250 files in three pages of 100, with rename origins', async () => {
    fake.setPullFiles(3, [
      { filename: 'flows/new.yml', previous_filename: 'flows/old.yml', status: 'renamed' },
      ...names(249)
    ])
    const listed = await github.listPullRequestFiles(3)
    expect(listed.truncated).toBe(false)
    expect(listed.paths).toHaveLength(250)
    expect(listed.paths[0]).toEqual({ path: 'flows/new.yml', previousPath: 'flows/old.yml' })
    expect(listed.paths[1]).toEqual({ path: 'flows/f0.yml' })
    expect(pagesRequested(/pulls\/3\/files$/)).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100']
    ])
  })

  it('stops at the 3,000-file cap and reports the list as truncated', async () => {
    fake.setPullFiles(4, names(4200))
    const listed = await github.listPullRequestFiles(4)
    expect(listed).toMatchObject({ truncated: true })
    expect(listed.paths).toHaveLength(3000)
    expect(pagesRequested(/pulls\/4\/files$/)).toHaveLength(30)
  })

  it('fails with a typed error naming the operation', async () => {
    await expect(github.listPullRequestFiles(99)).rejects.toThrow(GitHubApiError)
    await expect(github.listPullRequestFiles(99)).rejects.toThrow(
      /listing the files of pull request #99 failed \(HTTP 404\)/
    )
  })
})

describe('compareCommits', () => {
  it('returns the files and the ancestry status', async () => {
    fake.setCompare('aaa', 'bbb', [
      { filename: 'b.yml', previous_filename: 'a.yml', status: 'renamed' },
      'c.yml'
    ])
    expect(await github.compareCommits('aaa', 'bbb')).toEqual({
      status: 'ahead',
      truncated: false,
      paths: [{ path: 'b.yml', previousPath: 'a.yml' }, { path: 'c.yml' }]
    })
  })

  it('marks a 300-file compare as truncated', async () => {
    fake.setCompare('aaa', 'bbb', names(450), 'diverged')
    expect(await github.compareCommits('aaa', 'bbb')).toMatchObject({
      status: 'diverged',
      truncated: true
    })
  })
})

describe('findMergedPullRequest', () => {
  it('prefers the PR whose merge commit is the pushed commit', async () => {
    fake.setCommitPulls('abc', [
      { number: 1 },
      { number: 2, merged_at: '2026-01-01T00:00:00Z', merge_commit_sha: 'zzz' },
      { number: 3, merged_at: '2026-01-02T00:00:00Z', merge_commit_sha: 'abc' }
    ])
    expect(await github.findMergedPullRequest('abc')).toBe(3)
  })

  it('falls back to the first merged PR, and to undefined', async () => {
    fake.setCommitPulls('abc', [{ number: 1 }, { number: 2, merged_at: '2026-01-01T00:00:00Z' }])
    fake.setCommitPulls('open', [{ number: 5 }])
    expect(await github.findMergedPullRequest('abc')).toBe(2)
    expect(await github.findMergedPullRequest('open')).toBeUndefined()
    expect(await github.findMergedPullRequest('unknown')).toBeUndefined()
  })
})

describe('getFileAtRef', () => {
  it('decodes inline base64 content', async () => {
    fake.setContent('base', 'flows/a.yml', 'id: a\nnamespace: company.team\n')
    const bytes = await github.getFileAtRef('flows/a.yml', 'base')
    expect(new TextDecoder().decode(bytes)).toBe('id: a\nnamespace: company.team\n')
  })

  it('fetches large files raw, byte for byte, whatever the path', async () => {
    const binary = new Uint8Array(5000).map((_, i) => (i * 37) % 256)
    const path = 'files/dir #1/ünï cödé?&%20.bin'
    fake.setContent('base', path, binary)
    expect(await github.getFileAtRef(path, 'base')).toEqual(binary)
    const reads = fake.requests.filter((r) => r.path.endsWith('.bin'))
    expect(reads.map((r) => r.path)).toEqual([
      `/repos/octo/kestra-repo/contents/${path}`,
      `/repos/octo/kestra-repo/contents/${path}`
    ])
    expect(reads[1].accept).toContain('raw')
  })

  it('returns an empty file as empty bytes', async () => {
    fake.setContent('base', 'files/empty.txt', '')
    expect(await github.getFileAtRef('files/empty.txt', 'base')).toEqual(new Uint8Array())
  })

  it('returns undefined for a missing path or a directory', async () => {
    fake.setContent('base', 'flows/a.yml', 'x')
    expect(await github.getFileAtRef('flows/missing.yml', 'base')).toBeUndefined()
    expect(await github.getFileAtRef('flows/a.yml', 'other')).toBeUndefined()
    expect(await github.getFileAtRef('flows', 'base')).toBeUndefined()
  })
})

describe('the fake', () => {
  it('rejects requests without a token', async () => {
    const response = await fetch(`${fake.url}/repos/octo/kestra-repo/issues/1/comments`)
    expect(response.status).toBe(401)
  })

  it('answers past the PR file cap with empty pages while rel="last" points further', async () => {
    fake.setPullFiles(5, names(3500))
    const response = await fetch(
      `${fake.url}/repos/octo/kestra-repo/pulls/5/files?per_page=100&page=31`,
      {
        headers: { authorization: 'token x' }
      }
    )
    expect(await response.json()).toEqual([])
    expect(response.headers.get('link')).toContain('page=35>; rel="last"')
  })
})
