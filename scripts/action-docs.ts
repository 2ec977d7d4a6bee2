/**
 * The inputs and outputs tables of docs/inputs.md are generated from action.yml.
 * `npm run docs` rewrites them; a test fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { defaultOf, type InputName } from '../src/model/inputs/declared.js'

/** The files holding the generated tables, relative to the project root. */
export const DOCUMENTED_FILES = ['docs/inputs.md'] as const

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderTables(actionYml: string): { inputs: string; outputs: string } {
  const action = parse(actionYml) as ActionYml
  const inputs = [
    '| input | default | description |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, spec]) =>
        `| \`${name}\` | ${tableDefault(name, spec.default)} | ${cell(spec.description)} |`
    )
  ].join('\n')
  const outputs = [
    '| output | description |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(
      ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
    )
  ].join('\n')
  return { inputs, outputs }
}

/**
 * An input's default as the table shows it: action.yml's, or for an input the settings file may set
 * (which action.yml gives none), the declared one.
 */
function tableDefault(name: string, declared: string | undefined): string {
  const value = declared ?? defaultOf(name as InputName)
  return value ? `\`${cell(String(value))}\`` : '(empty)'
}

export function replaceBlock(text: string, name: string, content: string, file: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from === -1 || to === -1) throw new Error(`${file} lacks the ${start} … ${end} block`)
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

/** `file` (relative to `root`) with its inputs and outputs tables as action.yml makes them. */
export function documented(root: string, file: string): string {
  const tables = renderTables(readFileSync(join(root, 'action.yml'), 'utf8'))
  const text = readFileSync(join(root, file), 'utf8')
  return replaceBlock(
    replaceBlock(text, 'inputs', tables.inputs, file),
    'outputs',
    tables.outputs,
    file
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = process.cwd()
  for (const file of DOCUMENTED_FILES) writeFileSync(join(root, file), documented(root, file))
  console.log(`${DOCUMENTED_FILES.join(', ')}: inputs/outputs tables regenerated from action.yml`)
}
