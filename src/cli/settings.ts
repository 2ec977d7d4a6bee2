import { ConfigError } from '../model/errors.js'
import { parseSettings } from '../config/settings.js'
import { type InputName } from '../model/inputs/declared.js'
import { type Settings } from '../model/settings.js'
import { UsageError, type CliArgs } from './args.js'
import { CREDENTIAL_VARIABLES, entryOf, FLAG_VARIABLES, LOCAL_VALUES } from './flags.js'

type Env = Record<string, string | undefined>

/** The action's settings from the command line and the environment; bad values are usage errors. */
export function cliSettings(args: CliArgs, env: Env): Settings {
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
    return parseSettings(read)
  } catch (error) {
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
