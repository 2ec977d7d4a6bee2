/**
 * script/release, the one release step (docs/releasing.md), against a throwaway repository and a bare remote. npm and npx are replaced by shims
 * on PATH (the checks they run are the project's own test suite, covered elsewhere); `npx rollup`
 * rebuilds dist/ by copying the committed one, or a stale one when STALE_DIST is set.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
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

const ENTRIES = '### Added\n\n- Something.\n'
const README = [
  '      - uses: kestra-gitops/kestra-gitops-action@<commit-sha> # see "Pin a version"',
  'npm install --global github:kestra-gitops/kestra-gitops-action#<commit-sha>',
  '## Pin a version',
  '<!-- pin:start -->',
  'No release has been cut yet.',
  '<!-- pin:end -->',
  'Other `@<commit-sha>` text stays.',
  ''
].join('\n')
const LINK = '[Unreleased]: https://github.com/octo/action/commits/main'

function project(
  version: string,
  unreleased = ENTRIES
): { repo: GitRepo; remote: string; changelog: string } {
  const remote = mkdtempSync(join(tmpdir(), 'kga-release-remote-'))
  execFileSync('git', ['init', '-q', '--bare', remote])
  const changelog = `# Changelog\n\nIntro.\n\n## [Unreleased]\n\n${unreleased}\n## [0.0.1]\n\n- First.\n\n${LINK}\n`
  const repo = createGitRepo({
    'package.json': `${JSON.stringify({ name: 'x', version }, null, 2)}\n`,
    'package-lock.json': `${JSON.stringify({ name: 'x', version, packages: { '': { version } } }, null, 2)}\n`,
    'CHANGELOG.md': changelog,
    'dist/index.js': 'bundled\n',
    'README.md': README,
    'docs/workflows.md': `- uses: kestra-gitops/kestra-gitops-action@<commit-sha> # see "Pin a version"\n`,
    'examples/kestra.yml': 'steps:\n  - uses: kestra-gitops/kestra-gitops-action@<commit-sha>\n'
  })
  mkdirSync(join(repo.dir, 'script'))
  copyFileSync(join(PROJECT_ROOT, 'script/release'), join(repo.dir, 'script/release'))
  repo.commit({}, 'add the release script')
  repo.git('remote', 'add', 'origin', remote)
  repo.git('push', '-q', 'origin', 'main')
  return { repo, remote, changelog }
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

const read = (repo: GitRepo, file: string) => readFileSync(join(repo.dir, file), 'utf8')
const tags = (remote: string) => execFileSync('git', ['tag'], { cwd: remote, encoding: 'utf8' })
const today = () => new Date().toISOString().slice(0, 10)

describe('script/release', () => {
  it('is one step: version, changelog section, release commit, vX.Y.Z and vX, all pushed', () => {
    const { repo, remote, changelog } = project('1.2.2')
    const first = release(repo, ['v1.2.3', '--yes'])
    expect(first.status, first.output).toBe(0)
    expect(repo.git('log', '-1', '--format=%s')).toBe('Release v1.2.3')
    expect(remoteTag(remote, 'main')).toBe(repo.head())
    expect(remoteTag(remote, 'v1.2.3')).toBe(repo.head())
    expect(remoteTag(remote, 'v1')).toBe(repo.head())
    expect(JSON.parse(read(repo, 'package.json')).version).toBe('1.2.3')
    const lock = JSON.parse(read(repo, 'package-lock.json'))
    expect([lock.version, lock.packages[''].version]).toEqual(['1.2.3', '1.2.3'])
    expect(read(repo, 'CHANGELOG.md')).toBe(
      changelog
        .replace('## [Unreleased]\n', `## [Unreleased]\n\n## [1.2.3] - ${today()}\n`)
        .replace(
          LINK,
          '[Unreleased]: https://github.com/octo/action/compare/v1.2.3...HEAD\n[1.2.3]: https://github.com/octo/action/releases/tag/v1.2.3'
        )
    )
    expect(read(repo, 'README.md')).toContain(
      '      - uses: kestra-gitops/kestra-gitops-action@v1\n'
    )
    expect(read(repo, 'README.md')).toContain('github:kestra-gitops/kestra-gitops-action#v1\n')
    expect(read(repo, 'README.md')).toMatch(
      /<!-- pin:start -->\nPin the major tag, `@v1`[^]*<!-- pin:end -->/
    )
    expect(read(repo, 'README.md')).not.toContain('No release has been cut yet')
    expect(read(repo, 'README.md')).toContain('Other `@<commit-sha>` text stays.')
    expect(read(repo, 'docs/workflows.md')).toBe('- uses: kestra-gitops/kestra-gitops-action@v1\n')
    expect(read(repo, 'examples/kestra.yml')).toContain('kestra-gitops-action@v1\n')
    expect(repo.git('show', '--stat', '--format=', 'HEAD')).toMatch(
      /README\.md[^]*docs\/workflows\.md/
    )
    expect(repo.git('status', '--porcelain')).toBe('')

    repo.write({
      'CHANGELOG.md': read(repo, 'CHANGELOG.md').replace(
        '## [Unreleased]\n',
        '## [Unreleased]\n\n- More.\n'
      )
    })
    repo.commit({}, 'more')
    repo.git('push', '-q', 'origin', 'main')
    const second = release(repo, ['v1.3.0', '--yes'])
    expect(second.status, second.output).toBe(0)
    expect(remoteTag(remote, 'v1')).toBe(repo.head())
    expect(remoteTag(remote, 'v1.2.3')).not.toBe(repo.head())
    expect(read(repo, 'CHANGELOG.md')).toContain(
      `## [Unreleased]\n\n## [1.3.0] - ${today()}\n\n- More.\n\n## [1.2.3] - ${today()}\n\n${ENTRIES}`
    )
  })

  it('moves any Unreleased section under the version and changes no entry', () => {
    const line = fc.stringMatching(/^[A-Za-z0-9 `*_.,:()-]{0,30}$/)
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              line.map((text) => `- ${text}`),
              fc.constant(''),
              fc.constant('### Fixed')
            ),
            {
              minLength: 1,
              maxLength: 8
            }
          )
          .filter((lines) => lines.some((text) => text.startsWith('- '))),
        (lines) => {
          const { repo, changelog } = project('2.0.0', `${lines.join('\n')}\n`)
          const result = release(repo, ['v2.0.1', '--yes'])
          expect(result.status, result.output).toBe(0)
          const after = read(repo, 'CHANGELOG.md')
          const withoutRelease = after
            .replace(`\n## [2.0.1] - ${today()}\n`, '')
            .replace(/^\[Unreleased\]: .*\n\[2\.0\.1\]: .*$/m, LINK)
          expect(withoutRelease).toBe(changelog)
        }
      ),
      { numRuns: 8 }
    )
  })

  it.each([
    ['a version that is not vX.Y.Z', ['1.2.3'], 'usage: script/release vX.Y.Z'],
    [
      'a version CHANGELOG.md already has',
      ['v0.0.1', '--yes'],
      "already has a '## [0.0.1]' section"
    ]
  ])('refuses %s', (_, args, message) => {
    const { repo, remote } = project('0.0.1')
    const result = release(repo, args)
    expect(result.status).not.toBe(0)
    expect(result.output).toContain(message)
    expect(tags(remote)).toBe('')
  })

  it('refuses an empty Unreleased section, leaving the tree as it was', () => {
    const { repo, remote } = project('1.0.0', '')
    const result = release(repo, ['v1.0.1', '--yes'])
    expect(result.status).toBe(1)
    expect(result.output).toContain('the Unreleased section of CHANGELOG.md is empty')
    expect(tags(remote)).toBe('')
    expect(repo.git('status', '--porcelain')).toBe('')
  })

  it('stops when not confirmed, leaving the tree, the tags and the remote as they were', () => {
    const { repo, remote } = project('1.0.0')
    const head = repo.head()
    const result = spawnSync('bash', ['script/release', 'v1.0.1'], {
      cwd: repo.dir,
      encoding: 'utf8',
      input: 'n\n',
      env: { ...process.env, PATH: `${SHIMS}:${process.env.PATH}` }
    })
    expect(result.status).toBe(1)
    expect(`${result.stdout}${result.stderr}`).toContain('stopped; nothing was committed or tagged')
    expect(repo.git('status', '--porcelain')).toBe('')
    expect(repo.head()).toBe(head)
    expect(tags(remote)).toBe('')
    expect(repo.git('tag')).toBe('')
  })

  it('refuses a dirty tree, a stale dist/, and a version not newer than the last', () => {
    const { repo, remote } = project('1.2.2')
    repo.write({ 'notes.txt': 'draft\n' })
    expect(release(repo, ['v1.2.3', '--yes']).output).toContain('uncommitted changes')
    repo.write({ 'notes.txt': null })

    const stale = release(repo, ['v1.2.3', '--yes'], { STALE_DIST: '1' })
    expect(stale.status).toBe(1)
    expect(stale.output).toContain('dist/ is stale')
    expect(tags(remote)).toBe('')
    expect(repo.git('status', '--porcelain')).toBe('')

    repo.git('tag', 'v1.5.0')
    const older = release(repo, ['v1.4.0', '--yes'])
    expect(older.output).toContain('v1.4.0 is not newer than v1.5.0')
  })
})
