import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { RunContext } from '../model/context.js'
import { UsageError } from './args.js'

const run = promisify(execFile)

interface LocalContextOptions {
  cwd: string
  env: Record<string, string | undefined>
  runnerTemp: string
  base?: string
}

/**
 * A run on a local checkout. Without `base` it is like `workflow_dispatch`: every file counts as
 * changed. With `base` it is like a push from that ref to HEAD: the committed changes since it
 * are the changed files and the repository at the base commit is what drift is measured against.
 */
export async function localRunContext(options: LocalContextOptions): Promise<RunContext> {
  const { cwd, env } = options
  const head = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])
  const [owner, repo] = await repositoryName(cwd, env)
  const context: RunContext = {
    eventName: 'workflow_dispatch',
    workspace: cwd,
    runnerTemp: options.runnerTemp,
    sha: head ?? '',
    owner,
    repo,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '',
    local: true
  }
  if (options.base === undefined) return context
  if (!head) throw new UsageError('--base needs a git repository with at least one commit')
  // The ref is a single argument after --end-of-options: never an option, never a shell word.
  if (options.base.startsWith('-'))
    throw new UsageError(`--base '${options.base}' is not a git ref`)
  const before = await git(cwd, [
    'rev-parse',
    '--verify',
    '--end-of-options',
    `${options.base}^{commit}`
  ])
  if (!before) throw new UsageError(`--base '${options.base}' names no commit of this repository`)
  return { ...context, eventName: 'push', push: { before, after: head, ref: '' } }
}

export async function uncommittedPaths(cwd: string, root: string): Promise<string[]> {
  const status = await git(cwd, ['status', '--porcelain', '-z', '--', root])
  return (status ?? '').split('\0').filter(Boolean)
}

/**
 * `owner/repo` as the action sees it, so deploy markers written here and in GitHub Actions agree:
 * GITHUB_REPOSITORY, else the last two path segments of the `origin` remote, else the folder name.
 */
async function repositoryName(
  cwd: string,
  env: Record<string, string | undefined>
): Promise<[string, string]> {
  const fromEnv = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY ?? '')
  if (fromEnv) return [fromEnv[1]!, fromEnv[2]!]
  // Userinfo (a token in an https remote) is dropped before anything is taken from the URL.
  const remote = (await git(cwd, ['config', '--get', 'remote.origin.url']))?.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i,
    '$1'
  )
  const fromRemote = /([^/:@\s]+)\/([^/:@\s]+?)(?:\.git)?\/?$/.exec(remote ?? '')
  if (fromRemote) return [fromRemote[1]!, fromRemote[2]!]
  const toplevel = await git(cwd, ['rev-parse', '--show-toplevel'])
  return ['', (toplevel ?? cwd).split(/[\\/]/).pop() ?? '']
}

/** Trimmed stdout, or undefined when git fails or is missing. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
    })
    return stdout.trim() || undefined
  } catch {
    return undefined
  }
}
