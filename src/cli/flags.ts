import { defaultOf, type InputName, inputNames, parserOf } from '../model/inputs/declared.js'
import { ACTION_INPUTS } from '../model/inputs/action-yml.js'

/**
 * Every action input is a flag of the same name, but these. The command names the mode.
 * Credentials come only from the environment: flags would leave them in shell history and `ps`.
 */
export const CREDENTIAL_VARIABLES = {
  username: 'KESTRA_USERNAME',
  password: 'KESTRA_PASSWORD',
  'api-token': 'KESTRA_API_TOKEN'
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

/** Why each input a local run fixes is ignored, said when the settings file sets it (docs/cli.md). */
export const NOT_LOCAL = {
  ...GITHUB_ONLY,
  'allow-out-of-order':
    'it applies to workflow_dispatch in GitHub Actions; a local deploy of an older commit is refused as out of order',
  'smoke-flows': 'the CLI runs no smoke executions (yet); the deploy workflow does',
  'smoke-timeout-seconds': 'the CLI runs no smoke executions (yet); the deploy workflow does',
  rollback:
    'the CLI runs no smoke executions, so it has nothing to roll back after; the deploy workflow does'
} as const satisfies Record<keyof typeof LOCAL_VALUES, string>

export const FLAG_VARIABLES = { server: 'KESTRA_URL' } as const satisfies Partial<
  Record<InputName, string>
>

export function entryOf<Table extends object>(
  table: Table,
  name: string
): Table[keyof Table] | undefined {
  return Object.hasOwn(table, name) ? table[name as keyof Table] : undefined
}

type FlagKind = 'value' | 'list' | 'switch'

/** How the flag of an action input takes its value; undefined when the CLI has no such flag. */
export function flagKind(name: string): FlagKind | undefined {
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
  [/\bin the `?namespaces`? input\b/g, 'with --namespaces']
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
  --format F               text, markdown (the PR comment) or json (default: text)
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
