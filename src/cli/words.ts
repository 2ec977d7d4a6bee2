import { flagKind } from './flags.js'

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
