/**
 * docs/architecture.md's table of arrows is drawn from the import rule (.dependency-cruiser.cjs): which
 * folder of src/ may import which, and what decide/ may not reach. `npm run docs` rewrites it; a unit test
 * fails when the page and the rule differ.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'

export const ARCHITECTURE_PAGE = 'docs/architecture.md'
const START = '<!-- arrows: generated from .dependency-cruiser.cjs by `npm run docs` -->'
const END = '<!-- end of arrows -->'

interface Layer {
  name: string
  path: string
  may: string[]
}

interface Rule {
  name: string
  comment: string
  from: { path: string }
  to: { path?: string; dependencyTypes?: string[] }
}

interface RuleConfig {
  LAYERS: Layer[]
  forbidden: Rule[]
}

export function ruleConfig(root: string): RuleConfig {
  const require = createRequire(join(root, 'package.json'))
  const config = require('./.dependency-cruiser.cjs') as RuleConfig
  return { LAYERS: config.LAYERS, forbidden: config.forbidden }
}

/** The generated part of the page: one row per layer, then the forbidden rules. */
export function renderArrows({ LAYERS, forbidden }: RuleConfig): string {
  const rows = LAYERS.map(
    (layer) =>
      `| \`${layer.name}\` | \`${layer.path.replace(/\|/g, '\\|')}\` | ${layer.may.length > 0 ? layer.may.map((name) => `\`${name}\``).join(', ') : '(nothing of src/)'} |`
  )
  const bans = forbidden.map((rule) => `- \`${rule.name}\`: ${rule.comment}`)
  return [
    START,
    '',
    '| layer | files (path pattern) | may import, besides itself, npm packages and Node built-ins |',
    '| --- | --- | --- |',
    ...rows,
    '',
    "A kind's parts (`resources/*/…`) import only their own kind's parts of the same phase. Anything not in this",
    'table is an error, and so are:',
    '',
    ...bans,
    '',
    END
  ].join('\n')
}

/** The page with its generated part replaced by `arrows`. */
export function withArrows(page: string, arrows: string): string {
  const start = page.indexOf(START)
  const end = page.indexOf(END)
  if (start < 0 || end < start) {
    throw new Error(`${ARCHITECTURE_PAGE}: the markers of the generated arrows are missing`)
  }
  return page.slice(0, start) + arrows + page.slice(end + END.length)
}

/** The page as committed: its arrows drawn from the rule, formatted as the project formats Markdown. */
export async function renderArchitecturePage(root: string): Promise<string> {
  const path = join(root, ARCHITECTURE_PAGE)
  const page = withArrows(readFileSync(path, 'utf8'), renderArrows(ruleConfig(root)))
  return format(page, { ...(await resolveConfig(path)), filepath: path })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../..')
  writeFileSync(join(root, ARCHITECTURE_PAGE), await renderArchitecturePage(root))
}
