import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { ConfigError, SettingsFileError } from '../model/errors.js'
import { parseSettings, readSettingsFile } from '../config/settings.js'
import type { SettingsFile } from '../model/inputs/settings-file.js'
import { type InputName } from '../model/inputs/declared.js'
import { type Settings } from '../model/settings.js'
import { UPGRADE_CHECK, UsageError, type CliArgs } from './args.js'
import { CREDENTIAL_VARIABLES, entryOf, FLAG_VARIABLES, LOCAL_VALUES } from './flags.js'

type Env = Record<string, string | undefined>

/**
 * The action's settings from the command line, the environment and, with `settingsFile`, the repository's
 * settings file in `cwd` (docs/inputs.md#settings-file), read as the action reads it; bad values are usage
 * errors. The values a local run fixes win over the file's, silently. An absolute `--root` inside the
 * current folder is taken relative to it.
 */
export function cliSettings(
  args: CliArgs,
  env: Env,
  cwd: string,
  { settingsFile = false, log }: { settingsFile?: boolean; log?(message: string): void } = {}
): Settings {
  const root = args.inputs.root
  if (root !== undefined && isAbsolute(root.trim())) {
    args = { ...args, inputs: { ...args.inputs, root: rootInside(root.trim(), cwd) } }
  }
  const read = (name: InputName): string => {
    // upgrade-check validates locally, then checks against the release `--to` names (default: 2.0).
    if (name === 'mode') return args.command === UPGRADE_CHECK ? 'validate' : (args.command ?? '')
    if (name === 'upgrade-check' && args.command === UPGRADE_CHECK) return args.to ?? '2.0'
    const credential = entryOf(CREDENTIAL_VARIABLES, name)
    if (credential) return env[credential] ?? ''
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed !== undefined) return fixed
    const variable = entryOf(FLAG_VARIABLES, name)
    return args.inputs[name] ?? (variable && env[variable]) ?? ''
  }
  try {
    return parseSettings(read, {
      file: settingsFile ? localFile(readSettingsFile(cwd)) : undefined,
      log,
      givenIn: 'the command line'
    })
  } catch (error) {
    if (error instanceof SettingsFileError) throw new UsageError(error.message)
    if (!(error instanceof ConfigError)) throw error
    const detail = error.message.replace(/^Input '[^']*': /, '')
    throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`)
  }
}

function sourceOf(input: string, args: CliArgs): string {
  const credential = entryOf(CREDENTIAL_VARIABLES, input)
  if (credential) return credential
  const variable = entryOf(FLAG_VARIABLES, input)
  if (variable && args.inputs[input as InputName] === undefined) return variable
  return `--${input}`
}

/** The file's values but those a local run fixes. */
function localFile(file: SettingsFile | undefined): SettingsFile | undefined {
  if (!file) return undefined
  const values = [...file.values].filter(([name]) => entryOf(LOCAL_VALUES, name) === undefined)
  return { path: file.path, values: new Map(values) }
}

/** `root` (absolute) as a path relative to `cwd`, following symbolic links when they make it so. */
function rootInside(root: string, cwd: string): string {
  const inside = (from: string, to: string) => {
    const path = relative(from, to)
    return path === ''
      ? '.'
      : path.startsWith(`..${sep}`) || path === '..' || isAbsolute(path)
        ? undefined
        : path
  }
  const real = (path: string) => {
    try {
      return realpathSync(path)
    } catch {
      return resolve(path)
    }
  }
  const path = inside(resolve(cwd), resolve(root)) ?? inside(real(cwd), real(root))
  if (path !== undefined) return path.split(sep).join('/')
  throw new UsageError(
    `--root: '${root}' is not inside the current folder ${cwd}; run kestra-gitops from the repository that holds it (cd there), or give --root relative to it`
  )
}
