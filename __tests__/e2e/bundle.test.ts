/**
 * `npm run bundle` writes its output beside the output folder and puts it in place only once whole: a build killed
 * on the way (out of memory, a runner's timeout) leaves the committed dist/ as it was (rollup.config.js).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../test-support/runner.js'

describe('npm run bundle', () => {
  it('killed before it ends, leaves the output folder as it was', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'dist')
    mkdirSync(out)
    writeFileSync(join(out, 'index.js'), 'the bundle before\n')
    const build = spawn(
      process.execPath,
      ['node_modules/rollup/dist/bin/rollup', '--config', 'rollup.config.js', '--silent'],
      { cwd: PROJECT_ROOT, env: { ...process.env, DIST_DIR: out }, stdio: 'ignore' }
    )
    // Killed once the configuration is loaded (it makes the folder beside the output), the build under way.
    const building = `${out}.building`
    while (!existsSync(building)) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const ended = new Promise((resolve) => build.on('exit', resolve))
    build.kill('SIGKILL')
    expect(await ended).toBeNull()
    expect(readFileSync(join(out, 'index.js'), 'utf8')).toBe('the bundle before\n')
  }, 60_000)
})
