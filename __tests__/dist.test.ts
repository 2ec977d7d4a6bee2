import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../test-support/git-repo.js'
import { PROJECT_ROOT, runAction } from '../test-support/runner.js'

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}

describe('dist/', () => {
  it('is exactly what the bundler makes from the current sources (GitHub runs dist/ as committed)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'kga-dist-'))
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules/rollup/dist/bin/rollup'),
        '--config',
        'rollup.config.js',
        '--silent'
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DIST_DIR: fresh },
        stdio: 'pipe'
      }
    )
    const committed = join(PROJECT_ROOT, 'dist')
    const names = (dir: string) =>
      listFiles(dir)
        .map((f) => relative(dir, f))
        .sort()
    expect(names(committed), 'run `npm run bundle` and commit dist/').toEqual(names(fresh))
    for (const name of names(fresh)) {
      const same = readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)))
      expect(same, `dist/${name} is stale: run \`npm run bundle\` and commit dist/`).toBe(true)
    }
  })

  it("runs the action on a worker thread whose exit code and failures are the step's", async () => {
    const repo = createGitRepo({ 'team/flows/broken.yml': 'id: broken\nnamespace: team\n' })
    const run = (script?: string) =>
      runAction({
        workspace: repo.dir,
        eventName: 'workflow_dispatch',
        sha: repo.head(),
        inputs: { mode: 'validate' },
        script
      })
    const failed = await run()
    expect(failed.exitCode).toBe(1) // core.setFailed on the worker: no tasks
    expect(failed.annotations.some((a) => a.severity === 'error')).toBe(true)

    // A worker that dies outside the action's own error handling still fails the step, visibly.
    const broken = mkdtempSync(join(tmpdir(), 'kga-dist-broken-'))
    cpSync(join(PROJECT_ROOT, 'dist'), broken, { recursive: true })
    writeFileSync(join(broken, 'chunks/main.js'), "throw new Error('the bundle is damaged')\n")
    const crashed = await run(join(broken, 'index.js'))
    expect(crashed.exitCode).toBe(1)
    expect(crashed.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining('The action stopped unexpectedly: the bundle is damaged.')
      })
    )

    // A worker left waiting for what never comes ends with 13: the step fails and says so.
    writeFileSync(
      join(broken, 'chunks/main.js'),
      'export async function run() { await new Promise(() => undefined) }\n'
    )
    const stranded = await run(join(broken, 'index.js'))
    expect(stranded.exitCode).toBe(13)
    expect(stranded.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining(
          'The action stopped unexpectedly: it ended before finishing (exit code 13).'
        )
      })
    )
  })
})
