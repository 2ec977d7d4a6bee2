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

/**
 * The bundled CLI on a pseudo-terminal (util-linux's `script`), as a person at a terminal runs it: stdin,
 * stdout and stderr are the terminal, so its output is one stream. `answer` is typed, with Enter, once the
 * output asks for a value, after `beforeAnswer` (what happens while the person reads the plan).
 */
export async function runCliOnTerminal(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  answer: string,
  beforeAnswer: () => Promise<void> = async () => {}
): Promise<{ exitCode: number; output: string }> {
  const command = [process.execPath, CLI_SCRIPT, ...args].map(shellWord).join(' ')
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? cwd,
      NO_COLOR: '1',
      TERM: 'dumb',
      ...env
    },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  let answered = false
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    if (!answered && output.includes('Enter a value:')) {
      answered = true
      void beforeAnswer().then(() => child.stdin.write(`${answer}\n`))
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)))
  clearTimeout(timeout)
  // The terminal's line endings and the progress line's erasures are the terminal's, not the CLI's words.
  const text = output
    .replace(/\r\n/g, '\n')
    .replace(/\r\u001b\[2K/g, '')
    .replace(/\r/g, '')
  return { exitCode, output: text }
}

function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}
