import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml'
import { ConfigError, SettingsFileError } from '../errors.js'
import { nearest } from '../nearest.js'
import { fileMaySet, inputNames, parserOf, type InputName } from './declared.js'
import { WORKFLOW_ONLY } from './defaults.js'

/**
 * Where the settings file may be, relative to the repository's root, in the order looked at: `.yaml` is the
 * same file as `.yml` (docs/inputs.md#settings-file).
 */
export const SETTINGS_FILE_PATHS = [
  'kestra-gitops.yml',
  'kestra-gitops.yaml',
  '.github/kestra-gitops.yml',
  '.github/kestra-gitops.yaml'
] as const

/** How the reader of the file sets an input the file may not: the workflow's `with:`, or the CLI's way. */
export type ElsewhereWay = (name: string) => string

const IN_THE_WORKFLOW: ElsewhereWay = () => `set it in the workflow's 'with:'`

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
 * the lines of a multi-line input. A file that is not such a mapping throws a SettingsFileError naming the
 * line; otherwise every bad key and value is found, and one SettingsFileError names each on its line.
 * `elsewhere` says how to set an input the file may not set.
 */
export function parseSettingsFile(
  path: string,
  text: string,
  elsewhere: ElsewhereWay = IN_THE_WORKFLOW
): SettingsFile {
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
  const problems: { line: number; detail: string }[] = []
  // A problem of one setting is noted, and the next setting read: every one is reported in the same run.
  const skip = (offset: number | undefined, detail: string): never => {
    problems.push({ line: lineAt(offset), detail })
    throw SKIP
  }
  for (const pair of (contents as { items: { key: unknown; value: unknown }[] }).items) {
    try {
      const key = pair.key as Node | null
      const name = isScalar(key) ? String(key.value) : undefined
      if (name === undefined) skip(key?.range?.[0], 'each key must be the name of an input')
      const keyOffset = key?.range?.[0]
      checkName(name!, elsewhere, (detail) => skip(keyOffset, detail))
      const value = pair.value as Node | null
      const line = lineAt(value?.range?.[0] ?? keyOffset)
      const raw = settingText(name as InputName, value, text, (detail) =>
        skip(value?.range?.[0] ?? keyOffset, detail)
      )
      try {
        parserOf(name as InputName).parse(raw, name!)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        skip(value?.range?.[0] ?? keyOffset, error.message)
      }
      values.set(name as InputName, { text: raw, line })
    } catch (error) {
      if (error !== SKIP) throw error
    }
  }
  if (problems.length > 0) throw new SettingsFileError(path, problems)
  return { path, values }
}

const SKIP = Symbol('skip')

function checkName(name: string, elsewhere: ElsewhereWay, fail: (detail: string) => never): void {
  if (fileMaySet(name)) return
  if (Object.hasOwn(WORKFLOW_ONLY, name)) {
    const why = WORKFLOW_ONLY[name as keyof typeof WORKFLOW_ONLY]
    fail(`'${name}' cannot be set here (${why}): ${elsewhere(name)}`)
  }
  const settable = inputNames().filter(fileMaySet)
  const meant = nearest(name, settable)
  fail(
    meant === undefined
      ? `'${name}' is not an input this file may set; it may set: ${settable.join(', ')}`
      : `'${name}' is not an input this file may set; did you mean '${meant}'?`
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
