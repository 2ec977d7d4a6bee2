import type { InputName } from '../model/inputs/declared.js'
import type { Mode } from '../model/settings.js'
import { CREDENTIAL_VARIABLES, entryOf, flagInputs, flagKind, GITHUB_ONLY } from './flags.js'

/** A command line the CLI cannot run: exit status 2 with the usage text. */
export class UsageError extends Error {
  override name = 'UsageError'
}

type OutputFormat = 'text' | 'markdown' | 'json'

export interface CliArgs {
  /** Undefined when only `--help` was asked for. */
  command?: Mode
  help: boolean
  /** Raw values for the action inputs the flags mirror ('' when not given). */
  inputs: Partial<Record<InputName, string>>
  format: OutputFormat
  /** Undefined: decide from the terminal and NO_COLOR. */
  color?: boolean
  /** Git ref to compare with (changed files and drift). */
  base?: string
  /** Print each phase's detail and the outputs, not only the result. */
  verbose: boolean
  /** `--version`: print the version and exit. */
  version: boolean
  /** `plan --detailed-exitcode`: exit 2 when the plan changes anything, 0 when not, 1 on error. */
  detailedExitCode: boolean
}

/** The action's credential inputs: refused as flags, where shell history and `ps` would keep them. */
const CREDENTIAL_FLAGS = [...Object.keys(CREDENTIAL_VARIABLES), 'token']

const COMMANDS: readonly Mode[] = ['validate', 'plan', 'deploy']

/** Every long flag, for suggesting the closest to a mistyped one. */
function flagNames(): string[] {
  return [
    ...flagInputs().flatMap((name) =>
      flagKind(name) === 'switch' ? [name, `no-${name}`] : [name]
    ),
    'format',
    'json',
    'color',
    'no-color',
    'base',
    'verbose',
    'detailed-exitcode',
    'full',
    'version',
    'help'
  ]
}
const FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json']

/**
 * Whether the command line asks for `--detailed-exitcode`, read before parsing it: then a usage error
 * exits 1, so that 2 says only "the plan has changes".
 */
export function wantsDetailedExitCode(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) =>
    /^--detailed-exitcode(=true)?$/.test(arg)
  )
}

/**
 * Parses `<command> [flags]`. Value flags take `--name value` or `--name=value`; list flags repeat;
 * switches take `--name`, `--no-name` or `--name=true|false`.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    help: false,
    inputs: {},
    format: 'text',
    verbose: false,
    version: false,
    detailedExitCode: false
  }
  const positionals: string[] = []
  const lists: Partial<Record<InputName, string[]>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === '-h' || arg === '--help') {
      args.help = true
      continue
    }
    if (arg === '-v' || arg === '--verbose') {
      args.verbose = true
      continue
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`)
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const typed = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    // `--full` is short for `--full-plan` (docs/performance.md#incremental-planning).
    const name = typed === 'full' || typed === 'no-full' ? `${typed}-plan` : typed
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const takeValue = (): string => {
      if (inline !== undefined) return inline
      const next = argv[i + 1]
      if (next === undefined) throw new UsageError(`option '--${name}' needs a value`)
      i++
      return next
    }

    if (name === 'format') {
      const value = takeValue()
      if (!(FORMATS as readonly string[]).includes(value)) {
        throw new UsageError(`--format '${value}' is not accepted; use ${FORMATS.join(', ')}`)
      }
      args.format = value as OutputFormat
    } else if (name === 'json') {
      if (switchValue(name, inline)) args.format = 'json'
    } else if (name === 'color' || name === 'no-color') {
      args.color = switchValue(name, inline) === (name === 'color')
    } else if (name === 'base') {
      args.base = takeValue()
    } else if (name === 'version') {
      args.version = switchValue(name, inline)
    } else if (name === 'detailed-exitcode') {
      args.detailedExitCode = switchValue(name, inline)
    } else {
      const negated = name.startsWith('no-') && flagKind(name.slice(3)) === 'switch'
      const input = (negated ? name.slice(3) : name) as InputName
      const kind = flagKind(input)
      if (CREDENTIAL_FLAGS.includes(name)) {
        throw new UsageError(
          'credentials are read from the environment only: set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN'
        )
      }
      const githubOnly =
        entryOf(GITHUB_ONLY, name) ?? entryOf(GITHUB_ONLY, name.replace(/^no-/, ''))
      if (githubOnly !== undefined) {
        throw new UsageError(`--${name} works only in GitHub Actions: ${githubOnly}.`)
      }
      if (kind === undefined) {
        throw new UsageError(`unknown option '--${name}'${suggestion(name, flagNames(), '--')}`)
      }
      if (kind === 'switch') {
        args.inputs[input] = String(switchValue(name, inline) !== negated)
      } else if (kind === 'list') {
        ;(lists[input] ??= []).push(takeValue())
      } else {
        args.inputs[input] = takeValue()
      }
    }
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
    args.command = command as Mode
  } else if (command === 'help') {
    args.help = true
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
  if (!args.command && !args.help && !args.version) {
    throw new UsageError('name a command: validate, plan or deploy')
  }
  if (args.detailedExitCode && args.command !== 'plan' && !args.help) {
    throw new UsageError(
      `--detailed-exitcode goes with plan (exit 0: no changes, 2: changes, 1: error)${args.command ? `, not ${args.command}` : ''}`
    )
  }
  return args
}

function switchValue(name: string, inline: string | undefined): boolean {
  if (inline === undefined || inline === 'true') return true
  if (inline === 'false') return false
  throw new UsageError(`option '--${name}' takes no value, or true/false`)
}

/** `; did you mean '--server'?` when one name is within a few edits of `typed`, else ''. */
function suggestion(typed: string, names: readonly string[], prefix: string): string {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(typed.length / 3)) + 1
  for (const name of names) {
    const distance = editDistance(typed, name)
    if (distance < bestDistance) [best, bestDistance] = [name, distance]
  }
  return best === undefined ? '' : `; did you mean '${prefix}${best}'?`
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]!
}
