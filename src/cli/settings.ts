import { ConfigError } from '../errors.js'
import { parseSettings, type InputName, type Settings } from '../settings.js'
import { UsageError, type CliArgs } from './args.js'

/** Credentials come only from the environment: flags would leave them in shell history and `ps`. */
const CREDENTIAL_VARIABLES = {
  username: 'KESTRA_USERNAME',
  password: 'KESTRA_PASSWORD',
  'api-token': 'KESTRA_API_TOKEN'
} as const satisfies Partial<Record<InputName, string>>

type Env = Record<string, string | undefined>

/** The action's settings from the command line and the environment; bad values are usage errors. */
export function cliSettings(args: CliArgs, env: Env): Settings {
  const read = (name: InputName): string => {
    if (name === 'mode') return args.command ?? ''
    if (name === 'server') return args.inputs.server ?? env.KESTRA_URL ?? ''
    if (name in CREDENTIAL_VARIABLES)
      return env[CREDENTIAL_VARIABLES[name as keyof typeof CREDENTIAL_VARIABLES]] ?? ''
    // No pull request here: nothing to comment on, no reviewed plan to check.
    if (name === 'comment' || name === 'require-reviewed-plan' || name === 'allow-out-of-order')
      return 'false'
    if (name === 'github-token') return ''
    return args.inputs[name] ?? ''
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
  if (input in CREDENTIAL_VARIABLES)
    return CREDENTIAL_VARIABLES[input as keyof typeof CREDENTIAL_VARIABLES]
  if (input === 'server' && args.inputs.server === undefined) return 'KESTRA_URL'
  return `--${input}`
}
