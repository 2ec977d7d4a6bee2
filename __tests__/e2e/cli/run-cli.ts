/** Spawns the bundled CLI (`node dist/cli.js`, or KGA_DIST_DIR's) as a user's shell would. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../../test-support/runner.js'

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
}

export const CLI_SCRIPT = join(process.env.KGA_DIST_DIR ?? join(PROJECT_ROOT, 'dist'), 'cli.js')

/** A clean environment: nothing from the test runner's GITHUB_* or NO_COLOR leaks in. */
export async function runCli(
  cwd: string,
  args: string[],
  env: Record<string, string> = {}
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)))
  clearTimeout(timeout)
  return { exitCode, stdout, stderr }
}

/** `name: value` lines the CLI prints at the end of a text run. */
export function outputsOf(stdout: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const match of stdout.matchAll(/^([a-z-]+): +(.*)$/gm)) outputs[match[1]!] = match[2]!
  return outputs
}
