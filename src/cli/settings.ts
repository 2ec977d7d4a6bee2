import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path'
import { ConfigError, SettingsFileError } from '../model/errors.js'
import type { Settings } from '../model/settings.js'
import { entryOf } from '../model/content.js'
import {
  type CliArgs,
  CREDENTIAL_VARIABLES,
  FLAG_VARIABLES,
  GITHUB_ONLY,
  LOCAL_DEPLOY,
  LOCAL_VALUES,
  UPGRADE_CHECK,
  UsageError
} from './flags.js'
import { inside, parseSettings, readSettingsFile, realOrUndefined } from '../config/settings.js'
import { SETTINGS_FILE_PATHS, type SettingsFile } from '../model/inputs/settings-file.js'
import type { InputName } from '../model/inputs/declared.js'

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
  try {
    const file = settingsFile
      ? localFile(readSettingsFile(workspace, cliWay), args, log)
      : undefined
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
      if (name === 'root' && args.inputs.root === undefined && !file?.values.has('root'))
        return below
      const credential = entryOf(CREDENTIAL_VARIABLES, name)
      if (credential) return env[credential] ?? ''
      const fixed = entryOf(LOCAL_VALUES, name)
      if (fixed !== undefined) return fixed
      const variable = entryOf(FLAG_VARIABLES, name)
      return args.inputs[name] ?? (variable && env[variable]) ?? ''
    }
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

/**
 * The file's values but those a local run fixes. A `deploy` names, in one line, those the file sets that would
 * make a deploy in GitHub Actions do more, with what this one does instead; no other run is concerned by them
 * (docs/cli.md#settings-the-cli-does-not-use).
 */
function localFile(
  file: SettingsFile | undefined,
  args: Pick<CliArgs, 'command' | 'autoApprove' | 'inputs'>,
  log: ((message: string) => void) | undefined
): SettingsFile | undefined {
  if (!file) return undefined
  // A dry run writes nothing: none of them concerns it.
  const dryRun = (args.inputs['dry-run'] ?? file.values.get('dry-run')?.text.trim()) === 'true'
  const concerned: string[] = []
  const instead: string[] = []
  const values = [...file.values].filter(([name, { text, line }]) => {
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed === undefined) return true
    const local = entryOf(LOCAL_DEPLOY, name)
    if (args.command === 'deploy' && !dryRun && local && text.trim() !== fixed) {
      concerned.push(`${name} (line ${line})`)
      const said = local(args.autoApprove)
      if (!instead.includes(said)) instead.push(said)
    }
    return false
  })
  if (concerned.length > 0) {
    log?.(
      `notice ${file.path}: ${concerned.join(', ')} ${concerned.length > 1 ? 'apply' : 'applies'} in GitHub Actions only: this deploy ${instead.join(', ')} (docs/cli.md#settings-the-cli-does-not-use).`
    )
  }
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
