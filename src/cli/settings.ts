import { ConfigError, SettingsFileError } from '../model/errors.js'
import { parseSettings, readSettingsFile } from '../config/settings.js'
import type { SettingsFile } from '../model/inputs/settings-file.js'
import { type InputName } from '../model/inputs/declared.js'
import { type Settings } from '../model/settings.js'
import { UsageError, type CliArgs } from './args.js'
import { CREDENTIAL_VARIABLES, entryOf, FLAG_VARIABLES, LOCAL_VALUES } from './flags.js'

type Env = Record<string, string | undefined>

/**
 * The action's settings from the command line, the environment and the repository's settings file
 * (docs/inputs.md#settings-file), read in `repositoryRoot` as the action reads it; bad values are usage
 * errors. The values a local run fixes win over the file's, silently.
 */
export function cliSettings(
  args: CliArgs,
  env: Env,
  { repositoryRoot, log }: { repositoryRoot?: string; log?(message: string): void } = {}
): Settings {
  const read = (name: InputName): string => {
    if (name === 'mode') return args.command ?? ''
    const credential = entryOf(CREDENTIAL_VARIABLES, name)
    if (credential) return env[credential] ?? ''
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed !== undefined) return fixed
    const variable = entryOf(FLAG_VARIABLES, name)
    return args.inputs[name] ?? (variable && env[variable]) ?? ''
  }
  try {
    return parseSettings(read, {
      file: repositoryRoot === undefined ? undefined : localFile(readSettingsFile(repositoryRoot)),
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
