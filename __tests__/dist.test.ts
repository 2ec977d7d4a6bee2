import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../test-support/runner.js'

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
})
