import { parseArgs as parseArgsTokensOf, type ParseArgsConfig } from 'node:util'
import type { InputName } from '../model/inputs/declared.js'
import type { Mode } from '../model/settings.js'
import { nearest } from '../model/nearest.js'
import { CREDENTIAL_VARIABLES, entryOf, flagInputs, flagKind, GITHUB_ONLY } from './flags.js'

export class UsageError extends Error {
  override name = 'UsageError'
}

type OutputFormat = 'text' | 'markdown' | 'json'

/** The CLI's own command beside the modes: upgrade readiness (docs/upgrade.md). */
export const UPGRADE_CHECK = 'upgrade-check'

export interface CliArgs {
  /** Undefined when only `--help` was asked for. */
  command?: Mode | typeof UPGRADE_CHECK
  write?: boolean
  to?: string
  help: boolean
  inputs: Partial<Record<InputName, string>>
  format: OutputFormat
  /** Undefined: decide from the terminal and NO_COLOR. */
  color?: boolean
  base?: string
  verbose: boolean
  version: boolean
  /** `plan --detailed-exitcode`: exit 2 when the plan changes anything, 0 when not, 1 on error. */
  detailedExitCode: boolean
  /** `deploy --auto-approve`: deploy without asking for `yes` (docs/cli.md#deploy-asks-first). */
  autoApprove: boolean
}

/** The action's credential inputs: refused as flags, where shell history and `ps` would keep them. */
const CREDENTIAL_FLAGS = [...Object.keys(CREDENTIAL_VARIABLES), 'token']

const COMMANDS: readonly NonNullable<CliArgs['command']>[] = [
  'validate',
  'plan',
  'deploy',
  UPGRADE_CHECK
]

const FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json']

export const OWN_OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  base: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'detailed-exitcode': { type: 'boolean' },
  'auto-approve': { type: 'boolean' },
  full: { type: 'boolean' },
  'no-full': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  to: { type: 'string' },
  write: { type: 'boolean' }
} as const satisfies ParseArgsConfig['options']

/** The options of `util.parseArgs` (`--no-<name>` beside each switch): a value flag takes the next argument. */
function options(): NonNullable<ParseArgsConfig['options']> {
  const inputs = flagInputs().flatMap((name) => {
    const kind = flagKind(name)
    if (kind === 'switch') return [name, `no-${name}`].map((flag) => [flag, { type: 'boolean' }])
    return [[name, { type: 'string', multiple: kind === 'list' }]]
  })
  return { ...OWN_OPTIONS, ...Object.fromEntries(inputs) }
}

type Token = NonNullable<ReturnType<typeof parseArgsTokens>>[number]
type OptionToken = Extract<Token, { kind: 'option' }>

/** The command line as `util.parseArgs` reads it; each refusal below names the flag and what to do instead. */
function parseArgsTokens(argv: readonly string[]) {
  return parseArgsTokensOf({
    args: [...argv],
    options: options(),
    strict: false,
    allowPositionals: true,
    tokens: true
  }).tokens
}

/** Read before parsing: with `--detailed-exitcode` a usage error exits 1, so 2 says only "it has changes". */
export function wantsDetailedExitCode(argv: readonly string[]): boolean {
  const tokens = parseArgsTokens(argv)
  const end = tokens.findIndex((token) => token.kind === 'option-terminator')
  return (end === -1 ? tokens : tokens.slice(0, end)).some(
    (token) =>
      token.kind === 'option' &&
      token.name === 'detailed-exitcode' &&
      (token.value === undefined || token.value === 'true')
  )
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    help: false,
    inputs: {},
    format: 'text',
    verbose: false,
    version: false,
    detailedExitCode: false,
    autoApprove: false
  }
  const positionals: string[] = []
  const lists: Partial<Record<InputName, string[]>> = {}
  for (const token of parseArgsTokens(argv)) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind === 'option') readOption(token, args, lists)
  }
  for (const [input, values] of Object.entries(lists)) {
    args.inputs[input as InputName] = values.join('\n')
  }

  const [command, ...extra] = positionals
  if (command !== undefined && command !== 'help') {
    if (!(COMMANDS as readonly string[]).includes(command)) {
      const closest = suggestion(command, COMMANDS, '')
      throw new UsageError(
        `unknown command '${command}'${closest || `; use ${COMMANDS.join(', ')}`}`
      )
    }
    args.command = command as CliArgs['command']
  } else if (command === 'help') {
    args.help = true
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
  if (!args.command && !args.help && !args.version) {
    throw new UsageError('name a command: validate, plan, deploy or upgrade-check')
  }
  if (args.command !== UPGRADE_CHECK && !args.help) {
    const upgradeOnly = args.write ? '--write' : args.to !== undefined ? '--to' : undefined
    if (upgradeOnly) throw new UsageError(`${upgradeOnly} goes with upgrade-check`)
  }
  if (args.detailedExitCode && args.command !== 'plan' && !args.help) {
    throw new UsageError(
      `--detailed-exitcode goes with plan (exit 0: no changes, 2: changes, 1: error)${args.command ? `, not ${args.command}` : ''}`
    )
  }
  if (args.autoApprove && args.command !== 'deploy' && !args.help) {
    throw new UsageError(
      `--auto-approve goes with deploy (it skips the question before the first write)${args.command ? `, not ${args.command}` : ''}`
    )
  }
  return args
}

const SWITCHES = {
  help: 'help',
  verbose: 'verbose',
  version: 'version',
  write: 'write',
  'detailed-exitcode': 'detailedExitCode',
  'auto-approve': 'autoApprove'
} as const

function readOption(
  { name: typed, rawName, value }: OptionToken,
  args: CliArgs,
  lists: Partial<Record<InputName, string[]>>
): void {
  // `--full` is short for `--full-plan` (docs/performance.md#incremental-planning).
  const name = typed === 'full' || typed === 'no-full' ? `${typed}-plan` : typed
  const given = (): string => {
    if (value === undefined) throw new UsageError(`option '${rawName}' needs a value`)
    return value
  }
  const own = entryOf(SWITCHES, name)
  if (own !== undefined) {
    args[own] = switchValue(rawName, value)
  } else if (name === 'format') {
    const format = given()
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format '${format}' is not accepted; use ${FORMATS.join(', ')}`)
    }
    args.format = format as OutputFormat
  } else if (name === 'json') {
    if (switchValue(rawName, value)) args.format = 'json'
  } else if (name === 'color' || name === 'no-color') {
    args.color = switchValue(rawName, value) === (name === 'color')
  } else if (name === 'base' || name === 'to') {
    args[name] = given()
  } else {
    const negated = name.startsWith('no-') && flagKind(name.slice(3)) === 'switch'
    const input = (negated ? name.slice(3) : name) as InputName
    const kind = flagKind(input)
    if (CREDENTIAL_FLAGS.includes(name)) {
      throw new UsageError(
        'credentials are read from the environment only: set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN'
      )
    }
    const githubOnly = entryOf(GITHUB_ONLY, name) ?? entryOf(GITHUB_ONLY, name.replace(/^no-/, ''))
    if (githubOnly !== undefined) {
      throw new UsageError(`--${name} works only in GitHub Actions: ${githubOnly}.`)
    }
    if (kind === undefined || !rawName.startsWith('--')) {
      const names = rawName.startsWith('--') ? Object.keys(options()) : []
      throw new UsageError(`unknown option '${rawName}'${suggestion(name, names, '--')}`)
    }
    if (kind === 'switch') {
      args.inputs[input] = String(switchValue(rawName, value) !== negated)
    } else if (kind === 'list') {
      ;(lists[input] ??= []).push(given())
    } else {
      args.inputs[input] = given()
    }
  }
}

function switchValue(rawName: string, inline: string | undefined): boolean {
  if (inline === undefined || inline === 'true') return true
  if (inline === 'false') return false
  throw new UsageError(`option '${rawName}' takes no value, or true/false`)
}

function suggestion(typed: string, names: readonly string[], prefix: string): string {
  const best = nearest(typed, names)
  return best === undefined ? '' : `; did you mean '${prefix}${best}'?`
}
