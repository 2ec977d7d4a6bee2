/**
 * The CLI as users get it: the packed package installed into an empty folder, `kestra-gitops` run from
 * the installed bin on PATH (the shebang and the execute bit do the rest, as in a shell).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { flow } from '../../../test-support/scenario.js'

let bin: string

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'kga-pack-'))
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, stdio: 'pipe' })
  // The package as `npm pack` makes it of this checkout, with the bundle of the current sources.
  const project = join(dir, 'project')
  for (const name of ['package.json', 'action.yml', 'README.md', 'LICENSE']) {
    cpSync(join(PROJECT_ROOT, name), join(project, name))
  }
  cpSync(process.env.KGA_DIST_DIR ?? join(PROJECT_ROOT, 'dist'), join(project, 'dist'), {
    recursive: true
  })
  npm(['pack', '--pack-destination', dir], project)
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!
  const app = join(dir, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n')
  // --offline: the package needs nothing from the registry (everything it runs is in dist/).
  npm(['install', '--offline', join(dir, tarball)], app)
  bin = join(app, 'node_modules', '.bin')
}, 120_000)

function kestraGitops(args: string[], cwd: string) {
  return spawnSync('kestra-gitops', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, HOME: cwd }
  })
}

describe('the packed package', () => {
  it('installs offline into an empty folder and its bin prints the usage', () => {
    const result = kestraGitops(['--help'], tmpdir())
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^Usage: kestra-gitops <validate\|plan\|deploy\|upgrade-check>/)
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    const printed = kestraGitops(['--version'], tmpdir())
    expect(printed.status).toBe(0)
    expect(printed.stdout).toBe(`kestra-gitops ${version}\n`)
  })

  it('validates a repository from the installed bin', () => {
    const repo = createGitRepo({
      'company.team/flows/hello.yml': flow('company.team', 'hello'),
      'company.team/flows/broken.yml': 'id: broken\nnamespace: company.team\n'
    })
    const failed = kestraGitops(['validate'], repo.dir)
    expect(failed.status).toBe(1)
    expect(failed.stdout).toMatch(/company\.team\/flows\/broken\.yml:\d+(:\d+)? error /)

    repo.commit({ 'company.team/flows/broken.yml': null }, 'drop the broken flow')
    const passed = kestraGitops(['validate'], repo.dir)
    expect(passed.status).toBe(0)
    expect(passed.stdout).toContain('Validation passed')
  })
})
