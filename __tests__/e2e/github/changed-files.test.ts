import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunContext } from '../../../src/model/context.js'
import { createOctokit } from '../../../src/adapters/github/octokit.js'
import type { GitHubPort } from '../../../src/model/github.js'
import { createGitHub } from '../../../src/adapters/github/rest-github.js'
import { detectChangedFiles } from '../../../src/engine/snapshot/changed.js'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'

const ZEROS = '0'.repeat(40)
const UNKNOWN = 'f'.repeat(40)

let fake: FakeGitHub
let github: GitHubPort
let repo: GitRepo

beforeEach(async () => {
  fake = await startFakeGitHub()
  github = createGitHub(await createOctokit('ghs_test', { baseUrl: fake.url, throttle: false }), {
    owner: 'octo',
    repo: 'kestra-repo'
  })
  repo = createGitRepo({
    'flows/a.yml': 'id: a\n',
    'flows/old name.yml': 'id: renamed\nnamespace: company.team\ntasks: []\n',
    'flows/gone.yml': 'id: gone\n',
    'flows/keep.yml': 'id: keep\n'
  })
})
afterEach(() => fake.close())

function context(eventName: string, extra: Partial<RunContext> = {}): RunContext {
  return {
    eventName,
    workspace: repo.dir,
    runnerTemp: repo.dir,
    sha: repo.head(),
    owner: 'octo',
    repo: 'kestra-repo',
    serverUrl: 'https://github.com',
    apiUrl: fake.url,
    runId: '1',
    ...extra
  }
}

function prContext(baseSha: string, headSha: string, changedFiles?: number) {
  return context('pull_request', {
    pullRequest: { number: 7, baseSha, headSha, changedFiles, fork: false }
  })
}

function pushContext(before: string, after: string) {
  return context('push', { push: { before, after, ref: 'refs/heads/main' } })
}

/** A feature branch renaming, deleting, modifying and adding (odd names), while main moves on. */
function featureBranch() {
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  repo.git('mv', 'flows/old name.yml', 'flows/nöuvel "nom".yml')
  const head = repo.commit({
    'flows/gone.yml': null,
    'flows/a.yml': 'id: a\ndescription: changed\n',
    'files/tab\there.sql': 'select 1'
  })
  repo.git('checkout', '-q', 'main')
  repo.commit({ 'flows/keep.yml': 'id: keep\ndescription: only on main\n' })
  return { base, head }
}

describe('pull request events', () => {
  it('diffs base...head in git, with both sides of a rename and deletions', async () => {
    const { base, head } = featureBranch()
    const changed = await detectChangedFiles(prContext(base, head), { workspace: repo.dir, github })
    expect(changed).toEqual({
      kind: 'list',
      source: 'git',
      paths: new Set([
        'flows/a.yml',
        'flows/gone.yml',
        'flows/old name.yml',
        'flows/nöuvel "nom".yml',
        'files/tab\there.sql'
      ])
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('uses the three-dot merge base even when main moved on', async () => {
    const { head } = featureBranch()
    const changed = await detectChangedFiles(prContext(repo.head(), head), { workspace: repo.dir })
    expect(changed.kind === 'list' && changed.paths.has('flows/keep.yml')).toBe(false)
  })

  it('lists the files through the API when the base is not in the local history', async () => {
    fake.setPullFiles(7, [
      { filename: 'flows/new.yml', previous_filename: 'flows/old.yml' },
      'flows/a.yml'
    ])
    const changed = await detectChangedFiles(prContext(UNKNOWN, repo.head(), 2), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({
      kind: 'list',
      source: 'api',
      paths: new Set(['flows/new.yml', 'flows/old.yml', 'flows/a.yml'])
    })
    expect(changed.kind === 'list' && changed.note).toMatch(/not in the local history/)
  })

  it('treats everything as changed past the 3,000-file listing cap', async () => {
    fake.setPullFiles(
      7,
      Array.from({ length: 3100 }, (_, i) => `flows/f${i}.yml`)
    )
    const changed = await detectChangedFiles(prContext(UNKNOWN, repo.head(), 3100), {
      workspace: repo.dir,
      github
    })
    expect(changed.kind).toBe('all')
    expect(changed.kind === 'all' && changed.reason).toMatch(
      /more than 3,000 files.*fetch-depth: 0/
    )
  })

  it('treats everything as changed when GitHub lists fewer files than the payload counts', async () => {
    fake.setPullFiles(7, ['flows/a.yml'])
    const changed = await detectChangedFiles(prContext(UNKNOWN, repo.head(), 5), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({ kind: 'all', reason: expect.stringMatching(/listed 1 of/) })
  })

  it('treats everything as changed without git history or a token', async () => {
    const changed = await detectChangedFiles(prContext(UNKNOWN, repo.head()), {
      workspace: repo.dir
    })
    expect(changed).toMatchObject({ kind: 'all', reason: expect.stringMatching(/no GitHub token/) })
  })

  it('never hands a non-sha value to git', async () => {
    const changed = await detectChangedFiles(prContext('--output=/tmp/pwned', 'HEAD'), {
      workspace: repo.dir
    })
    expect(changed.kind).toBe('all')
  })
})

describe('push events', () => {
  it('diffs before..after in git', async () => {
    const before = repo.head()
    repo.git('mv', 'flows/old name.yml', 'flows/new.yml')
    repo.commit({ 'flows/gone.yml': null })
    const after = repo.commit({ 'files/q\'uote "x".txt': 'x' })
    const changed = await detectChangedFiles(pushContext(before, after), {
      workspace: repo.dir,
      github
    })
    expect(changed).toEqual({
      kind: 'list',
      source: 'git',
      paths: new Set([
        'flows/old name.yml',
        'flows/new.yml',
        'flows/gone.yml',
        'files/q\'uote "x".txt'
      ])
    })
  })

  it('treats everything as changed on a new branch', async () => {
    const changed = await detectChangedFiles(pushContext(ZEROS, repo.head()), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({ kind: 'all', reason: expect.stringMatching(/new branch/) })
  })

  it('compares through the API when the previous commit is missing locally', async () => {
    const after = repo.head()
    fake.setCompare(UNKNOWN, after, [{ filename: 'b.yml', previous_filename: 'a.yml' }])
    const changed = await detectChangedFiles(pushContext(UNKNOWN, after), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({
      kind: 'list',
      source: 'api',
      paths: new Set(['a.yml', 'b.yml'])
    })
  })

  it('treats everything as changed after a force push the API cannot compare exactly', async () => {
    const after = repo.head()
    fake.setCompare(UNKNOWN, after, ['b.yml'], 'diverged')
    const changed = await detectChangedFiles(pushContext(UNKNOWN, after), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({ kind: 'all', reason: expect.stringMatching(/rewrote history/) })
  })

  it('treats everything as changed when the previous commit is missing and there is no API', async () => {
    const changed = await detectChangedFiles(pushContext(UNKNOWN, repo.head()), {
      workspace: repo.dir
    })
    expect(changed).toMatchObject({
      kind: 'all',
      reason: expect.stringMatching(/not in the local history.*fetch-depth: 0/)
    })
  })

  it('treats everything as changed when the API compare fails', async () => {
    const changed = await detectChangedFiles(pushContext(UNKNOWN, repo.head()), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({ kind: 'all', reason: expect.stringMatching(/HTTP 404/) })
  })
})

describe('other events', () => {
  it('treats every file as changed', async () => {
    const changed = await detectChangedFiles(context('workflow_dispatch'), {
      workspace: repo.dir,
      github
    })
    expect(changed).toMatchObject({ kind: 'all' })
  })
})
