import { execFile, spawn } from 'node:child_process'

/**
 * Git's standard output in `cwd`, or undefined when it fails (no git, not a repository, any error). With
 * `exit1IsEmpty`, an exit code of 1 is an empty answer: `config --get`'s for a key that is not set.
 */
export function git(
  cwd: string,
  args: readonly string[],
  { exit1IsEmpty = false } = {}
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }, (error, out) =>
      resolve(!error ? out : exit1IsEmpty && error.code === 1 ? '' : undefined)
    )
  })
}

/** Git's standard output for `input` written to its standard input, NUL-separated; undefined when it fails. */
export function gitWithInput(
  cwd: string,
  args: readonly string[],
  input: readonly string[]
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.on('error', () => resolve(undefined))
    child.on('close', (code) =>
      resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : undefined)
    )
    child.stdin.on('error', () => undefined)
    child.stdin.end(input.map((path) => `${path}\0`).join(''))
  })
}
