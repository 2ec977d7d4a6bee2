import { parseArgs as parseArgsTokensOf, type ParseArgsConfig } from 'node:util'
import { defaultOf, type InputName, inputNames, parserOf } from '../model/inputs/declared.js'
import { ACTION_INPUTS } from '../model/inputs/action-yml.js'
import type { Mode } from '../model/settings.js'
import { nearest } from '../model/nearest.js'
import { entryOf } from '../model/content.js'

/**
 * Every action input is a flag of the same name, but these. The command names the mode.
 * Credentials come only from the environment: flags would leave them in shell history and `ps`.
 */
export const CREDENTIAL_VARIABLES = {
  username: 'KESTRA_USERNAME',
  password: 'KESTRA_PASSWORD',
  'api-token': 'KESTRA_API_TOKEN',
  'seal-key': 'KESTRA_GITOPS_SEAL_KEY'
} as const satisfies Partial<Record<InputName, string>>

export const LOCAL_VALUES = {
  // No pull request here: nothing to comment on, no reviewed plan to check, no dispatch.
  'github-token': '',
  'pull-request-token': '',
  comment: 'false',
  'require-reviewed-plan': 'false',
  'allow-out-of-order': 'false',
  // GitHub deployments and pull-request previews need GitHub: refused as flags (GITHUB_ONLY).
  environment: '',
  'require-verified-in': '',
  preview: 'false',
  // Not offered on the command line (yet): smoke executions, and rollback.
  'smoke-flows': '',
  'smoke-timeout-seconds': '',
  rollback: 'false',
  // The drift watch runs on a schedule in GitHub Actions (docs/drift.md), not as a command.
  'drift-action': ''
} as const satisfies Partial<Record<InputName, string>>

/** Inputs that only mean something in GitHub Actions: their flags are refused before anything is read. */
export const GITHUB_ONLY = {
  environment:
    'it records a GitHub deployment of the commit, which needs GitHub Actions and its token. Set environment in the workflow; a local deploy records the deployed commit in Kestra only',
  'require-verified-in':
    "it reads the commit's GitHub deployments, which needs GitHub Actions and its token. Set require-verified-in in the workflow that deploys",
  preview:
    "it deploys a pull request into pr-<number>.* from GitHub Actions. To deploy the checkout into prefixed namespaces instead, run 'kestra-gitops deploy --namespace-prefix pr-<number> --disable-triggers'",
  'github-token':
    'the CLI makes no GitHub call. Credentials for Kestra come from KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN',
  'pull-request-token':
    'the CLI opens no pull request. Set it in the drift workflow, where it opens the drift pull request (docs/drift.md)',
  comment:
    "the CLI writes no pull-request comment. 'kestra-gitops plan --format markdown' prints the comment instead",
  'require-reviewed-plan':
    "it compares with the plan in the merged pull request's comment on GitHub. Locally, 'kestra-gitops deploy' shows the plan and asks for 'yes' before it writes (or pass --reviewed-plan with the plan-fingerprint of 'kestra-gitops plan --verbose')",
  'drift-action':
    "the drift watch runs in GitHub Actions on a schedule (docs/drift.md). 'kestra-gitops plan --base <ref>' shows the server's differences"
} as const satisfies Partial<Record<keyof typeof LOCAL_VALUES, string>>

/**
 * What a local deploy does instead of what each of these settings makes a deploy in GitHub Actions do: said once,
 * on `deploy`, the one run they concern (docs/cli.md#settings-the-cli-does-not-use). The other settings the CLI
 * fixes concern pull requests and the drift watch, which the CLI never runs: nothing to say of them.
 */
export const LOCAL_DEPLOY = {
  'require-reviewed-plan': (autoApprove: boolean) =>
    autoApprove
      ? 'writes the plan it makes (--auto-approve), not one reviewed in a pull request'
      : "shows the plan and asks for 'yes', rather than read the merged pull request's",
  environment: () => 'records no GitHub deployment',
  'require-verified-in': () => "reads no commit's GitHub deployments",
  'allow-out-of-order': () => 'refuses an older commit than the deployed one',
  'smoke-flows': () => 'runs no smoke execution',
  'smoke-timeout-seconds': () => 'runs no smoke execution',
  rollback: () => 'rolls nothing back'
} as const satisfies Partial<Record<keyof typeof LOCAL_VALUES, (autoApprove: boolean) => string>>

export const FLAG_VARIABLES = { server: 'KESTRA_URL' } as const satisfies Partial<
  Record<InputName, string>
>

/** How the flag of an action input takes its value; undefined when the CLI has no such flag. */
export function flagKind(name: string): 'value' | 'list' | 'switch' | undefined {
  if (!isFlag(name)) return undefined
  const { shape } = parserOf(name)
  return shape === 'lines' ? 'list' : shape
}

/** The inputs the CLI takes as flags, in action.yml's order. */
export function flagInputs(): InputName[] {
  return inputNames().filter(isFlag)
}

function isFlag(name: string): name is InputName {
  return (
    (inputNames() as string[]).includes(name) &&
    name !== 'mode' &&
    entryOf(CREDENTIAL_VARIABLES, name) === undefined &&
    entryOf(LOCAL_VALUES, name) === undefined
  )
}

/** Phrases of the action's messages and their command-line equivalents (credentials come from the environment). */
const PHRASES: [RegExp, string][] = [
  [
    /\b(?:the )?username\/password or api-token inputs\b/g,
    'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
  ],
  [/\bthe server input\b/g, '--server (or KESTRA_URL)'],
  [/\bset server, or use mode: validate\b/g, 'pass --server (or set KESTRA_URL), or run validate'],
  [/\bthe delete input is false; set delete: true\b/g, '--delete is off; pass --delete'],
  [/\bin the `?namespaces`? input\b/g, 'with --namespaces'],
  // The CLI has no workflow: its run is the deploy command.
  [/\bRe-run the workflow\b/g, 'Run the deploy again (kestra-gitops deploy)'],
  [/\bre-run the workflow\b/g, 'run the deploy again (kestra-gitops deploy)']
]

/**
 * The action's words for a terminal (`the root input` → `--root`): only CLI flags, so a flow's own inputs stay.
 */
export function cliWords(text: string): string {
  let out = text
  for (const [phrase, words] of PHRASES) out = out.replace(phrase, words)
  out = out.replace(/\b(?:the )?`?([a-z-]+)`? input\b/g, (whole, name: string) =>
    flagKind(name) ? `--${name}` : whole
  )
  return out.replace(/\b([a-z-]+): true\b/g, (whole, name: string) =>
    flagKind(name) === 'switch' ? `--${name}` : whole
  )
}

const WIDTH = 100
const HELP_COLUMN = 27

/** `--help`: the options that mirror the action's inputs are action.yml's, with its words and defaults. */
export function usage(): string {
  return `Usage: kestra-gitops <validate|plan|deploy|upgrade-check> [options]

Runs the kestra-gitops action's engine on a local checkout: the same checks, plan and deploy
as in GitHub Actions, for previewing a plan or for other CI systems.

Commands:
  validate                 check flows and namespace files (server checks too with a server)
  plan                     validate, then show what a deploy would change; writes nothing
  deploy                   validate, plan, show the plan and ask for 'yes', then apply it to Kestra
  upgrade-check            list what Kestra 2.0 would refuse, file:line, with the fix (no server
                           needed); exit 1 when a flow would not load

Options (the action's inputs of the same name; a switch also takes --no-NAME or --NAME=false):
${flagInputs().map(inputOption).join('')}${option(
    '--base REF',
    'git ref the change starts from: files changed since it count as changed, and server copies that differ from it are drift'
  )}${option(
    '--full',
    'same as --full-plan: parse and check every flow file again, reusing no check stored with the commit marker'
  )}${option('--to VERSION', 'with upgrade-check: the release line to check against (default: 2.0)')}${option(
    '--write',
    'with upgrade-check: apply the mechanical rewrites in place, keeping comments, layout and every task id'
  )}${option(
    '--auto-approve',
    "with deploy: deploy without asking for 'yes' (needed where stdin is not a terminal, as in CI)"
  )}${option(
    '--detailed-exitcode',
    'with plan: exit 0 when the plan changes nothing, 2 when it changes something, 1 on any error (a usage error included), as Terraform does'
  )}
Output:
  --format F               text, markdown (the PR comment), json, or sarif (the findings
                           as SARIF 2.1.0, for code scanning) (default: text)
  --json                   same as --format json
  --color, --no-color      force ANSI colours on or off (default: on for a terminal
                           unless NO_COLOR is set)
  -v, --verbose            also print each step's detail (one line per resource written)
                           and the action's outputs
  -h, --help               show this text
  --version                print the version

Environment (credentials are read only from here, never from flags):
  KESTRA_URL               default for --server
  KESTRA_USERNAME          basic authentication user
  KESTRA_PASSWORD          basic authentication password
  KESTRA_API_TOKEN         bearer token (Enterprise); wins over basic authentication

Only in GitHub Actions (refused here, before anything is read): ${Object.keys(GITHUB_ONLY)
    .map((name) => `--${name}`)
    .join(', ')}.

Exit status: 0 success, 1 validation errors or a failed deploy, 2 usage error (with
--detailed-exitcode: 0 no changes, 2 changes, 1 any error).
`
}

function inputOption(name: InputName): string {
  const kind = flagKind(name)
  const flag =
    kind === 'switch'
      ? `--${name}`
      : `--${name} ${parserOf(name).placeholder}${kind === 'list' ? ' …' : ''}`
  const variable = entryOf(FLAG_VARIABLES, name)
  const fallback = variable ? `$${variable}` : defaultOf(name)
  const notes = [
    kind === 'list' ? 'repeatable, one line each' : '',
    fallback === '' ? '' : `default: ${fallback}`
  ].filter(Boolean)
  const description = cliWords(ACTION_INPUTS[name].description)
  return option(flag, notes.length > 0 ? `${description} (${notes.join('; ')})` : description)
}

/** `  --flag   help` with the help wrapped at WIDTH under HELP_COLUMN, below the flag when it is long. */
function option(flag: string, help: string): string {
  const indent = ' '.repeat(HELP_COLUMN)
  const lines: string[] = []
  let line = ''
  for (const word of help.split(/\s+/)) {
    if (line !== '' && HELP_COLUMN + line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  lines.push(line)
  const head = `  ${flag}`
  const first =
    head.length < HELP_COLUMN - 1 ? `${head.padEnd(HELP_COLUMN)}${lines.shift()}\n` : `${head}\n`
  return first + lines.map((text) => `${indent}${text}\n`).join('')
}

export class UsageError extends Error {
  override name = 'UsageError'
}

type OutputFormat = 'text' | 'markdown' | 'json' | 'sarif'

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

const COMMANDS = ['validate', 'plan', 'deploy', UPGRADE_CHECK] as const

const FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json', 'sarif']

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

type OptionToken = Extract<ReturnType<typeof parseArgsTokens>[number], { kind: 'option' }>

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

/**
 * What the command line asks for, read before parsing and whatever it holds (docs/cli.md#the-json-document): a
 * run of `validate`, `plan` or `deploy` that asks for JSON prints one document even when its flags are refused.
 */
export function asksJsonOf(argv: readonly string[]): 'validate' | 'plan' | 'deploy' | undefined {
  const tokens = parseArgsTokens(argv)
  const end = tokens.findIndex((token) => token.kind === 'option-terminator')
  let json = false
  let command: string | undefined
  for (const token of end === -1 ? tokens : tokens.slice(0, end)) {
    if (token.kind === 'positional') command ??= token.value
    if (token.kind !== 'option') continue
    if (token.name === 'json') json = token.value === undefined || token.value === 'true'
    if (token.name === 'format') json = token.value === 'json'
  }
  return json && (command === 'validate' || command === 'plan' || command === 'deploy')
    ? command
    : undefined
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
