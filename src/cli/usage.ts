import { ACTION_INPUTS } from '../model/inputs/action-yml.js'
import { defaultOf, parserOf, type InputName } from '../model/inputs/declared.js'
import { cliWords, entryOf, FLAG_VARIABLES, flagInputs, flagKind, GITHUB_ONLY } from './flags.js'

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
