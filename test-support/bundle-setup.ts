/**
 * Global setup of the end-to-end project: bundles the current sources into a private folder and points
 * the runner at it (KGA_DIST_DIR), so end-to-end tests always run what `src/` says, as the runner would
 * run dist/. Whether the committed dist/ matches is CI's check (`.ci/run`), not a test's.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from './runner.js'

export default function setup(): () => void {
  if (process.env.KGA_DIST_DIR) return () => {}
  const dir = mkdtempSync(join(tmpdir(), 'kga-bundle-'))
  execFileSync(
    process.execPath,
    [
      // As `npm run bundle`: V8's default heap on a small machine is below what the build takes.
      '--max-old-space-size=4096',
      join(PROJECT_ROOT, 'node_modules/rollup/dist/bin/rollup'),
      '--config',
      'rollup.config.js',
      '--silent'
    ],
    { cwd: PROJECT_ROOT, env: { ...process.env, DIST_DIR: dir }, stdio: 'inherit' }
  )
  process.env.KGA_DIST_DIR = dir
  return () => rmSync(dir, { recursive: true, force: true })
}
