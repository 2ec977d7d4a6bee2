/**
 * src/model/inputs/action-yml.ts is action.yml's inputs and outputs as typed data: the bundle reads no YAML at run
 * time, and the compiler knows every input and output name and every input's default (no code reads an output's
 * description). `npm run docs` rewrites it; a test fails when it differs from what action.yml gives.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

export const ACTION_YML_MODULE = 'src/model/inputs/action-yml.ts'

interface ActionYml {
  inputs: Record<string, { description: string; default?: unknown }>
  outputs: Record<string, unknown>
}

/** Settings fields are the input names in camelCase: a name must be lower-case words joined by '-'. */
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

const HEADER = `// Generated from action.yml by \`npm run docs\`: edit action.yml, not this file.
// The runner gives an input left out of the workflow its default as text; so do the settings. The inputs
// the settings file may set have none here: their defaults are in defaults.ts.
`

export async function renderActionYmlModule(root: string): Promise<string> {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYml
  const names = [...Object.keys(action.inputs), ...Object.keys(action.outputs)]
  const misnamed = names.find((name) => !NAME.test(name))
  if (misnamed !== undefined) {
    throw new Error(`action.yml: '${misnamed}' is not lower-case words joined by '-'`)
  }
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [
      name,
      { description: spec.description, default: String(spec.default ?? '') }
    ])
  )
  const text = [
    HEADER,
    `export const ACTION_INPUTS = ${JSON.stringify(inputs)} as const`,
    `export const ACTION_OUTPUTS = ${JSON.stringify(Object.keys(action.outputs))} as const`
  ].join('\n')
  const filepath = join(root, ACTION_YML_MODULE)
  return format(text, { ...(await resolveConfig(filepath)), filepath })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = process.cwd()
  writeFileSync(join(root, ACTION_YML_MODULE), await renderActionYmlModule(root))
  console.log(`${ACTION_YML_MODULE} regenerated from action.yml`)
}
