import type { RunContext } from '../model/context.js'
import { git as gitOutput } from '../adapters/git/git.js'
import { UsageError } from './flags.js'

type Env = Record<string, string | undefined>

/**
 * A run on a local checkout: like `workflow_dispatch` (every file changed), or with `base` like a push from
 * that ref to HEAD (its changes, and drift measured against it).
 */
export async function localRunContext(
  cwd: string,
  env: Env,
  runnerTemp: string,
  base: string | undefined
): Promise<RunContext> {
  const head = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])
  const [owner, repo] = await repositoryName(cwd, env)
  const context: RunContext = {
    eventName: 'workflow_dispatch',
    workspace: cwd,
    runnerTemp,
    sha: head ?? '',
    owner,
    repo,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '',
    local: true
  }
  if (base === undefined) return context
  if (!head) throw new UsageError('--base needs a git repository with at least one commit')
  // The ref is a single argument after --end-of-options: never an option, never a shell word.
  if (base.startsWith('-')) throw new UsageError(`--base '${base}' is not a git ref`)
  const before = await git(cwd, ['rev-parse', '--verify', '--end-of-options', `${base}^{commit}`])
  if (!before) throw new UsageError(`--base '${base}' names no commit of this repository`)
  return { ...context, eventName: 'push', push: { before, after: head, ref: '' } }
}

export async function uncommittedPaths(cwd: string, root: string): Promise<string[]> {
  const status = await git(cwd, ['status', '--porcelain', '-z', '--', root])
  return (status ?? '').split('\0').filter(Boolean)
}

/** `owner/repo` so markers agree: GITHUB_REPOSITORY, else the origin remote, else the folder. */
async function repositoryName(cwd: string, env: Env): Promise<[string, string]> {
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

/** Trimmed stdout, or undefined when git fails, is missing or says nothing. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  return (await gitOutput(cwd, args))?.trim() || undefined
}
