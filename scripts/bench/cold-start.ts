/** Cold start of `node dist/index.js`: from spawn to its first line on stdout (median of several runs). */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actionDefaults } from '../../test-support/runner.js'

export async function coldStartMs(distDir: string, node: string, runs = 7): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await firstLineMs(distDir, node))
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

function firstLineMs(distDir: string, node: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kga-bench-cold-'))
  const files = ['output', 'summary', 'state', 'env', 'path'].map((name) => join(dir, name))
  for (const file of files) writeFileSync(file, '')
  writeFileSync(join(dir, 'event.json'), '{}')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: files[0]!,
    GITHUB_STEP_SUMMARY: files[1]!,
    GITHUB_STATE: files[2]!,
    GITHUB_ENV: files[3]!,
    GITHUB_PATH: files[4]!,
    RUNNER_TEMP: dir
  }
  for (const [name, value] of Object.entries({ ...actionDefaults(), mode: 'validate' })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(node, [join(distDir, 'index.js')], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    let seen = ''
    let elapsed: number | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk
      if (elapsed === undefined && seen.includes('\n')) elapsed = performance.now() - started
    })
    child.on('error', reject)
    child.on('close', () =>
      elapsed === undefined ? reject(new Error('the action printed nothing')) : resolve(elapsed)
    )
  })
}
