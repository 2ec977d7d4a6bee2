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

/** The longest description a table cell holds (docs/ keeps cells to a sentence or two). */
const CELL_LIMIT = 200

/**
 * A description's cell: the whole description when it fits, else its first sentence when that fits, else
 * a pointer; a description that does not fit is written whole below the table.
 */
function shortCell(description: string): string {
  const text = description.replace(/\n/g, ' ').trim()
  if (text.length <= CELL_LIMIT) return cell(text)
  const sentence = /^(.*?\.)\s(?=[A-Z])/.exec(text)?.[1]
  const first = `${sentence} More below.`
  return sentence && first.length <= CELL_LIMIT ? cell(first) : 'Below the table.'
}

export function renderTables(actionYml: string): { inputs: string; outputs: string } {
  const action = parse(actionYml) as ActionYml
  const long = Object.entries(action.inputs).filter(
    ([, spec]) => spec.description.replace(/\n/g, ' ').trim().length > CELL_LIMIT
  )
  const inputs = [
    '| input | default | description |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, spec]) =>
        `| \`${name}\` | ${tableDefault(name, spec.default)} | ${shortCell(spec.description)} |`
    ),
    ...(long.length > 0
      ? ['', 'The inputs whose description is longer than a table cell:', '']
      : []),
    ...long.map(([name, spec]) => `- \`${name}\`: ${spec.description.replace(/\n/g, ' ').trim()}`)
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
