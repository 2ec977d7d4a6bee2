import { inputNames, parserOf, type InputName } from '../model/inputs/declared.js'

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

/**
 * Inputs that only mean something in GitHub Actions, and what to do locally instead. Their flags are
 * refused before anything is read: a flag the CLI silently ignored would deploy what the user did not ask
 */
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
 * Why each input a local run fixes does not apply to the CLI: said when the settings file sets one
 * (docs/cli.md#settings-the-cli-does-not-use), rather than dropping it silently.
 */
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
    /\bthe username\/password or api-token inputs\b/g,
    'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
  ],
  [
    /\busername\/password or api-token inputs\b/g,
    'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
  ],
  [/\bthe server input\b/g, '--server (or KESTRA_URL)'],
  [/\bset server, or use mode: validate\b/g, 'pass --server (or set KESTRA_URL), or run validate'],
  [/\bthe delete input is false; set delete: true\b/g, '--delete is off; pass --delete'],
  [/\bin the `?namespaces`? input\b/g, 'with --namespaces']
]

/**
 * The action's words for a terminal: `the root input` becomes `--root`, `delete: true` becomes
 * `--delete`, credentials name their environment variables. Only names of inputs that the CLI has
 * as flags are rewritten, so a flow's own inputs in a validation message stay as they are.
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
