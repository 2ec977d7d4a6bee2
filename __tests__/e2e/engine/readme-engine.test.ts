/**
 * The README's "Try it against Kestra" lines, run as written by bash in this checkout against the engine of the
 * version they name, which the engine project's setup started: only `/tmp/kestra` (that engine's folder),
 * `~/my-flows` (a repository of this test's) and `kestra-gitops` (the bundled CLI, as `npm install --global`
 * would name it) stand for this machine's. Its `start` finds the engine running with that folder and prints its
 * line again, so nothing else starts. The closing `stop` is not run: the other engine tests share the engine.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { flow } from '../../../test-support/scenario.js'
import { CLI_SCRIPT } from '../cli/run-cli.js'

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
const SECTION = README.slice(README.indexOf('\n## Try it against Kestra\n'))
const BLOCK = /^```sh\n([^]*?)^```$/m.exec(SECTION)![1]!
const VERSION = /script\/kestra-engine start (\S+) \/tmp\/kestra/.exec(BLOCK)![1]!
const engine = inject('kestraEngines').find((e) => e.version === VERSION)

/** This shell's environment without the runner's GITHUB_* and the engine project's KESTRA_* (the lines set theirs). */
function shellEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !/^(GITHUB_|KESTRA_)/.test(entry[0])
    )
  )
}

describe.skipIf(!engine)("the README's lines against Kestra's engine", () => {
  it(`start ${VERSION}, read its line, and plan a repository against it`, () => {
    const e = engine!
    const pid = readFileSync(join(e.dir, 'engine.pid'), 'utf8')
    const ns = `readme.engine.${Date.now().toString(36)}`
    const repo = createGitRepo({ [`${ns}/flows/hello.yml`]: flow(ns, 'hello') })
    const script = BLOCK.replaceAll('/tmp/kestra', e.dir).replaceAll('~/my-flows', repo.dir)
    const cli = `kestra-gitops() { '${process.execPath}' '${CLI_SCRIPT}' "$@"; }`
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', `${cli}\n${script}`], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...shellEnv(), HOME: repo.dir }
    })
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    const [line, ...plan] = run.stdout.split('\n')
    expect(line).toBe(`${e.url} ${e.username} ${e.password}`)
    expect(readFileSync(join(e.dir, 'engine.pid'), 'utf8')).toBe(pid)
    expect(plan.join('\n')).toContain('Kestra plan: 1 to create, 0 to update, 0 to delete')
    expect(plan.join('\n')).toContain(`+ create flow ${ns}.hello`)
  })
})
