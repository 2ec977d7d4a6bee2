/**
 * script/release against a throwaway repository and a bare remote. npm and npx are replaced by shims
 * on PATH (the checks they run are the project's own test suite, covered elsewhere); `npx rollup`
 * rebuilds dist/ by copying the committed one, or a stale one when STALE_DIST is set.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'

const SHIMS = mkdtempSync(join(tmpdir(), 'kga-release-shims-'))
writeFileSync(join(SHIMS, 'npm'), '#!/bin/sh\nexit 0\n')
writeFileSync(
  join(SHIMS, 'npx'),
  '#!/bin/sh\ncp -R dist/. "$DIST_DIR"/\n[ -n "$STALE_DIST" ] && echo changed >> "$DIST_DIR/index.js"\nexit 0\n'
)
chmodSync(join(SHIMS, 'npm'), 0o755)
chmodSync(join(SHIMS, 'npx'), 0o755)

function project(version: string): { repo: GitRepo; remote: string } {
  const remote = mkdtempSync(join(tmpdir(), 'kga-release-remote-'))
  execFileSync('git', ['init', '-q', '--bare', remote])
  const repo = createGitRepo({
    'package.json': JSON.stringify({ name: 'x', version }),
    'CHANGELOG.md': `# Changelog\n\n## [Unreleased]\n\n## [${version}]\n\n- Something.\n`,
    'dist/index.js': 'bundled\n'
  })
  mkdirSync(join(repo.dir, 'script'))
  copyFileSync(join(PROJECT_ROOT, 'script/release'), join(repo.dir, 'script/release'))
  repo.commit({}, 'add the release script')
  repo.git('remote', 'add', 'origin', remote)
  repo.git('push', '-q', 'origin', 'main')
  return { repo, remote }
}

function release(repo: GitRepo, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bash', ['script/release', ...args], {
    cwd: repo.dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${SHIMS}:${process.env.PATH}`,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      ...env
    }
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

function remoteTag(remote: string, tag: string): string {
  return execFileSync('git', ['rev-parse', `${tag}^{commit}`], {
    cwd: remote,
    encoding: 'utf8'
  }).trim()
}

describe('script/release', () => {
  it('tags vX.Y.Z, moves vX to it and pushes both', () => {
    const { repo, remote } = project('1.2.3')
    const first = release(repo, ['v1.2.3', '--yes'])
    expect(first.status, first.output).toBe(0)
    expect(remoteTag(remote, 'v1.2.3')).toBe(repo.head())
    expect(remoteTag(remote, 'v1')).toBe(repo.head())

    repo.commit({
      'package.json': JSON.stringify({ name: 'x', version: '1.3.0' }),
      'CHANGELOG.md': '# Changelog\n\n## [1.3.0]\n\n- More.\n'
    })
    repo.git('push', '-q', 'origin', 'main')
    const second = release(repo, ['v1.3.0', '--yes'])
    expect(second.status, second.output).toBe(0)
    expect(remoteTag(remote, 'v1')).toBe(repo.head())
    expect(remoteTag(remote, 'v1.2.3')).not.toBe(repo.head())
  })

  it.each([
    ['a version that is not vX.Y.Z', ['1.2.3'], 'usage: script/release vX.Y.Z'],
    ['a version package.json does not hold', ['v1.2.4', '--yes'], 'package.json says 1.2.3']
  ])('refuses %s', (_, args, message) => {
    const { repo, remote } = project('1.2.3')
    const result = release(repo, args)
    expect(result.status).not.toBe(0)
    expect(result.output).toContain(message)
    expect(execFileSync('git', ['tag'], { cwd: remote, encoding: 'utf8' })).toBe('')
  })

  it('refuses a dirty tree, a stale dist/, and a version not newer than the last', () => {
    const { repo, remote } = project('1.2.3')
    repo.write({ 'notes.txt': 'draft\n' })
    expect(release(repo, ['v1.2.3', '--yes']).output).toContain('uncommitted changes')
    repo.write({ 'notes.txt': null })

    const stale = release(repo, ['v1.2.3', '--yes'], { STALE_DIST: '1' })
    expect(stale.status).toBe(1)
    expect(stale.output).toContain('dist/ is stale')
    expect(execFileSync('git', ['tag'], { cwd: remote, encoding: 'utf8' })).toBe('')

    expect(release(repo, ['v1.2.3', '--yes']).status).toBe(0)
    repo.git('tag', 'v1.5.0')
    const older = release(repo, ['v1.4.0', '--yes'])
    expect(older.output).toContain('v1.4.0 is not newer than v1.5.0')
  })
})
