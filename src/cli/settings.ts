import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path'
import { ConfigError, SettingsFileError } from '../model/errors.js'
import { parseSettings, readSettingsFile } from '../config/settings.js'
import { inside, realOrUndefined } from '../config/workspace-links.js'
import { SETTINGS_FILE_PATHS, type SettingsFile } from '../model/inputs/settings-file.js'
import type { InputName } from '../model/inputs/declared.js'
import type { Settings } from '../model/settings.js'
import { type CliArgs, UPGRADE_CHECK, UsageError } from './args.js'
import {
  CREDENTIAL_VARIABLES,
  entryOf,
  FLAG_VARIABLES,
  GITHUB_ONLY,
  LOCAL_VALUES,
  NOT_LOCAL
} from './flags.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { RunContext } from '../model/context.js'

type Env = Record<string, string | undefined>

/**
 * The action's settings from the command line, the environment and, with `settingsFile`, the repository's
 * settings file (docs/inputs.md#settings-file); values a local run fixes win over the file's, silently.
 */
export function cliSettings(
  args: CliArgs,
  env: Env,
  cwd: string,
  { settingsFile = false, log }: { settingsFile?: boolean; log?(message: string): void } = {}
): Settings {
  // Run from a subfolder of a repository whose settings file is at its Git root, the run reads the repository
  // from there, root being the subfolder unless a flag or the file says otherwise.
  const workspace = settingsFile ? cliWorkspace(cwd) : cwd
  const below = relative(workspace, cwd).split(sep).join('/')
  let root = args.inputs.root?.trim()
  if (root !== undefined && isAbsolute(root)) root = rootInside(root, workspace)
  else if (root !== undefined && below !== '') root = posix.join(below, root)
  if (root !== args.inputs.root) args = { ...args, inputs: { ...args.inputs, root } }
  let file: SettingsFile | undefined
  try {
    file = settingsFile ? localFile(readSettingsFile(workspace, cliWay), log) : undefined
  } catch (error) {
    if (error instanceof SettingsFileError)
      throw new UsageError(settingsFileMessage(error, cwd, workspace))
    throw error
  }
  if (file && workspace !== cwd) {
    log?.(
      `Settings file: ${relative(cwd, join(workspace, file.path))}, at the Git root ${workspace}: the repository is read from there` +
        (root === undefined && !file.values.has('root') ? `, with root ${below}` : '')
    )
  }
  const read = (name: InputName): string => {
    // upgrade-check validates locally, then checks against the release `--to` names (default: 2.0).
    if (name === 'mode') return args.command === UPGRADE_CHECK ? 'validate' : (args.command ?? '')
    if (name === 'upgrade-check' && args.command === UPGRADE_CHECK) return args.to ?? '2.0'
    if (name === 'root' && args.inputs.root === undefined && !file?.values.has('root')) return below
    const credential = entryOf(CREDENTIAL_VARIABLES, name)
    if (credential) return env[credential] ?? ''
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed !== undefined) return fixed
    const variable = entryOf(FLAG_VARIABLES, name)
    return args.inputs[name] ?? (variable && env[variable]) ?? ''
  }
  try {
    return parseSettings(read, { file, log, givenIn: 'the command line' })
  } catch (error) {
    if (error instanceof SettingsFileError)
      throw new UsageError(settingsFileMessage(error, cwd, workspace))
    if (!(error instanceof ConfigError)) throw error
    const detail = error.message.replace(/^Input '[^']*': /, '')
    throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`)
  }
}

/** `cwd`, unless it holds no settings file and is below a Git root that does (docs/inputs.md#settings-file). */
export function cliWorkspace(cwd: string): string {
  const holdsFile = (dir: string) => SETTINGS_FILE_PATHS.some((path) => existsSync(join(dir, path)))
  if (holdsFile(cwd)) return cwd
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return holdsFile(dir) ? dir : cwd
    if (dirname(dir) === dir) return cwd
  }
}

function settingsFileMessage(error: SettingsFileError, cwd: string, workspace: string): string {
  const shown = relative(cwd, join(workspace, error.file)).split(sep).join('/')
  return error.problems.map(({ line, detail }) => `${shown}:${line}: ${detail}`).join('\n')
}

function cliWay(name: string): string {
  const variable = entryOf(CREDENTIAL_VARIABLES, name)
  if (variable) return `give it to the CLI in the environment variable ${variable}`
  if (name === 'mode') return 'the command names it (kestra-gitops validate, plan or deploy)'
  const local = entryOf(GITHUB_ONLY, name)
  if (local) return `and the CLI does not take it: ${local}`
  return `give it to the CLI as --${name}`
}

function sourceOf(input: string, args: CliArgs): string {
  const credential = entryOf(CREDENTIAL_VARIABLES, input)
  if (credential) return credential
  const variable = entryOf(FLAG_VARIABLES, input)
  if (variable && args.inputs[input as InputName] === undefined) return variable
  return `--${input}`
}

/** The file's values but those a local run fixes; each the file sets otherwise is named, with why. */
function localFile(
  file: SettingsFile | undefined,
  log: ((message: string) => void) | undefined
): SettingsFile | undefined {
  if (!file) return undefined
  const values = [...file.values].filter(([name, { text, line }]) => {
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed === undefined) return true
    if (text.trim() !== fixed) {
      log?.(
        `notice ${file.path}:${line}: ${name} is ignored by the CLI: ${NOT_LOCAL[name as keyof typeof NOT_LOCAL]}.`
      )
    }
    return false
  })
  return { path: file.path, values: new Map(values) }
}

/** `root` (absolute) as a path relative to `cwd`, following symbolic links when they make it so. */
function rootInside(root: string, cwd: string): string {
  const real = (path: string) => realOrUndefined(path) ?? resolve(path)
  for (const [from, to] of [
    [resolve(cwd), resolve(root)],
    [real(cwd), real(root)]
  ] as const) {
    if (inside(from, to)) return relative(from, to).split(sep).join('/') || '.'
  }
  throw new UsageError(
    `--root: '${root}' is not inside the current folder ${cwd}; run kestra-gitops from the repository that holds it (cd there), or give --root relative to it`
  )
}

const run = promisify(execFile)

interface LocalContextOptions {
  cwd: string
  env: Record<string, string | undefined>
  runnerTemp: string
  base?: string
}

/**
 * A run on a local checkout: like `workflow_dispatch` (every file changed), or with `base` like a push from
 * that ref to HEAD (its changes, and drift measured against it).
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

/** `owner/repo` as the action sees it, so markers agree: GITHUB_REPOSITORY, else the `origin` remote, else the folder. */
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
