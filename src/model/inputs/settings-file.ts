import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml'
import { ConfigError, SettingsFileError } from '../errors.js'
import { fileMaySet, inputNames, parserOf, type InputName } from './declared.js'
import { WORKFLOW_ONLY } from './defaults.js'

/** Where the settings file may be, relative to the repository's root, in the order looked at. */
export const SETTINGS_FILE_PATHS = ['kestra-gitops.yml', '.github/kestra-gitops.yml'] as const

/** One input's value in the settings file, as text an input would hold, and the line it is on. */
interface FileSetting {
  text: string
  line: number
}

/** The settings file, checked: every key an input it may set, every value one that input accepts. */
export interface SettingsFile {
  path: string
  values: ReadonlyMap<InputName, FileSetting>
}

/**
 * `text` read as the settings file at `path`: a YAML mapping of input names to values. A list stands for
 * the lines of a multi-line input. The first problem throws a SettingsFileError naming the line.
 */
export function parseSettingsFile(path: string, text: string): SettingsFile {
  const lineCounter = new LineCounter()
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line
  const fail = (offset: number | undefined, detail: string): never => {
    throw new SettingsFileError(path, lineAt(offset), detail)
  }
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true
  })
  if (!Array.isArray(documents)) return { path, values: new Map() }
  const [document, second] = documents
  if (second) fail(second.range[0], 'holds a second YAML document; keep one mapping of settings')
  if (!document) return { path, values: new Map() }
  const problem = document.errors[0]
  if (problem) fail(problem.pos[0], `${problem.message.replace(/ at line \d+.*$/s, '')}`)
  const contents = document.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { path, values: new Map() }
  }
  if (!isMap(contents)) {
    fail(contents.range?.[0], `must be a mapping of input names to values, e.g. 'delete: true'`)
  }
  const values = new Map<InputName, FileSetting>()
  for (const pair of (contents as { items: { key: unknown; value: unknown }[] }).items) {
    const key = pair.key as Node | null
    const name = isScalar(key) ? String(key.value) : undefined
    if (name === undefined) fail(key?.range?.[0], 'each key must be the name of an input')
    const keyOffset = key?.range?.[0]
    checkName(name!, (detail) => fail(keyOffset, detail))
    const value = pair.value as Node | null
    const line = lineAt(value?.range?.[0] ?? keyOffset)
    const raw = settingText(name as InputName, value, text, (detail) =>
      fail(value?.range?.[0] ?? keyOffset, detail)
    )
    try {
      parserOf(name as InputName).parse(raw, name!)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      throw new SettingsFileError(path, line, error.message)
    }
    values.set(name as InputName, { text: raw, line })
  }
  return { path, values }
}

function checkName(name: string, fail: (detail: string) => never): void {
  if (fileMaySet(name)) return
  if (Object.hasOwn(WORKFLOW_ONLY, name)) {
    const why = WORKFLOW_ONLY[name as keyof typeof WORKFLOW_ONLY]
    fail(`'${name}' cannot be set here (${why}): set it in the workflow's 'with:'`)
  }
  fail(
    `'${name}' is not an input this file may set; it may set: ${inputNames().filter(fileMaySet).join(', ')}`
  )
}

/** A value as input text: a scalar as written, a list of scalars as lines (for inputs of lines). */
function settingText(
  name: InputName,
  value: Node | null,
  source: string,
  fail: (detail: string) => never
): string {
  if (value === null || (isScalar(value) && value.value === null)) {
    return fail(`'${name}' has no value; give one or remove the line`)
  }
  if (isAlias(value)) return fail('aliases are not read here; write the value itself')
  if (isScalar(value)) return scalarText(value, source)
  if (isSeq(value) && parserOf(name).shape === 'lines') {
    return value.items
      .map((item) => {
        const node = item as Node | null
        if (node !== null && isScalar(node) && node.value !== null) return scalarText(node, source)
        return fail(`each item of '${name}' must be a plain value`)
      })
      .join('\n')
  }
  return fail(
    parserOf(name).shape === 'lines'
      ? `'${name}' takes text or a list of plain values`
      : `'${name}' takes one plain value, not a ${isSeq(value) ? 'list' : 'mapping'}`
  )
}

/** A string as YAML reads it; any other scalar (a number, a boolean) as it is written. */
function scalarText(
  node: { value: unknown; range?: [number, number, number] | null },
  source: string
): string {
  if (typeof node.value === 'string') return node.value
  return node.range ? source.slice(node.range[0], node.range[1]) : String(node.value)
}
