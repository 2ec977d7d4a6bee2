import {
  isMap,
  isScalar,
  LineCounter,
  parseAllDocuments,
  Scalar,
  visit,
  type Document,
  type Node
} from 'yaml'
import { z } from 'zod'
import { ConfigError, SettingsFileError } from '../errors.js'
import { nearest } from '../nearest.js'
import { fileMaySet, inputNames, parserOf, type InputName } from './declared.js'
import { WORKFLOW_ONLY } from './defaults.js'

/** Where the settings file may be, in the order looked at (docs/inputs.md#settings-file). */
export const SETTINGS_FILE_PATHS = [
  'kestra-gitops.yml',
  'kestra-gitops.yaml',
  '.github/kestra-gitops.yml',
  '.github/kestra-gitops.yaml'
] as const

/** How the reader of the file sets an input the file may not: the workflow's `with:`, or the CLI's way. */
export type ElsewhereWay = (name: string) => string

/** The settings file, checked: every key an input it may set, every value one that input accepts. */
export interface SettingsFile {
  path: string
  values: ReadonlyMap<InputName, { text: string; line: number }>
}

/** What an alias reads as: no value the schema takes (the file's values are written out). */
const ALIAS = Symbol('alias')

/**
 * Derived from action.yml: each input the file may set, to the text its parser accepts (a list: several lines).
 */
const settingsSchema = z.strictObject(
  Object.fromEntries(
    inputNames()
      .filter(fileMaySet)
      .map((name) => [name, settingSchema(name).optional()])
  )
)

function settingSchema(name: InputName) {
  const { shape, parse } = parserOf(name)
  const notPlain = (input: unknown, otherwise: string) =>
    input === null
      ? `'${name}' has no value; give one or remove the line`
      : input === ALIAS
        ? 'aliases are not read here; write the value itself'
        : otherwise
  const plain = z.string({
    error: (issue) =>
      shape === 'lines'
        ? `each item of '${name}' must be a plain value`
        : notPlain(
            issue.input,
            `'${name}' takes one plain value, not a ${Array.isArray(issue.input) ? 'list' : 'mapping'}`
          )
  })
  const text =
    shape === 'lines'
      ? z
          .preprocess(
            (value) => (typeof value === 'string' ? [value] : value),
            z.array(plain, {
              error: (issue) =>
                notPlain(issue.input, `'${name}' takes text or a list of plain values`)
            })
          )
          .transform((items) => items.join('\n'))
      : plain
  return text.superRefine((raw, context) => {
    try {
      parse(raw, name)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      context.addIssue({ code: 'custom', message: error.message })
    }
  })
}

/** Why the file may not set `name`: how else to set an input only the workflow may, else the key meant. */
function refusedKey(name: string, elsewhere: ElsewhereWay): string {
  if (Object.hasOwn(WORKFLOW_ONLY, name)) {
    return `'${name}' cannot be set here (${WORKFLOW_ONLY[name as keyof typeof WORKFLOW_ONLY]}): ${elsewhere(name)}`
  }
  const settable = inputNames().filter(fileMaySet)
  const meant = nearest(name, settable)
  return meant === undefined
    ? `'${name}' is not an input this file may set; it may set: ${settable.join(', ')}`
    : `'${name}' is not an input this file may set; did you mean '${meant}'?`
}

/**
 * `text` read as the settings file by its schema: not one YAML mapping throws naming the line; else one
 * SettingsFileError names every bad key and value on its line.
 */
export function parseSettingsFile(
  path: string,
  text: string,
  elsewhere: ElsewhereWay = () => `set it in the workflow's 'with:'`
): SettingsFile {
  const lineCounter = new LineCounter()
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line
  const fail = (offset: number | undefined, detail: string): never => {
    throw new SettingsFileError(path, lineAt(offset), detail)
  }
  const [document, second] = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true
  }) as Document.Parsed[]
  if (second) fail(second.range[0], 'holds a second YAML document; keep one mapping of settings')
  const problem = document?.errors[0]
  if (problem) fail(problem.pos[0], `${problem.message.replace(/ at line \d+.*$/s, '')}`)
  if (!document) return { path, values: new Map() }
  const problems: { line: number; detail: string }[] = []
  const keyLines = new Map<string, number>()
  // As written: a non-string scalar as its text (`2.0` is the release), an alias as no value, a non-scalar key
  // left out.
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' && node.value !== null && node.value !== ALIAS) {
        node.value = text.slice(node.range![0], node.range![1])
      }
    },
    Alias(_key, node) {
      return Object.assign(new Scalar(ALIAS), { range: node.range })
    },
    Pair(_key, pair, ancestors) {
      const key = pair.key as Node | null
      const topLevel = ancestors.length === 2
      if (!isScalar(key)) {
        const line = lineAt(key?.range?.[0])
        if (topLevel) problems.push({ line, detail: 'each key must be the name of an input' })
        return visit.REMOVE
      }
      if (topLevel) keyLines.set(String(key.value ?? ''), lineAt(key.range?.[0]))
    }
  })
  const contents = document.toJS() as unknown
  if (contents === null || contents === undefined) return { path, values: new Map() }
  if (!isMap(document.contents)) {
    fail(
      document.contents?.range?.[0],
      `must be a mapping of input names to values, e.g. 'delete: true'`
    )
  }
  const lineOf = (at: readonly PropertyKey[]) => {
    const node = document.getIn(at as unknown[], true) as Scalar | undefined
    return node?.range ? lineAt(node.range[0]) : keyLines.get(String(at[0]))!
  }
  const read = settingsSchema.safeParse(contents)
  for (const issue of read.error?.issues ?? []) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
    for (const key of keys)
      problems.push({ line: keyLines.get(key)!, detail: refusedKey(key, elsewhere) })
    if (keys.length === 0) problems.push({ line: lineOf(issue.path), detail: issue.message })
  }
  const sorted = problems.sort((a, b) => a.line - b.line)
  if (sorted.length > 0) throw new SettingsFileError(path, sorted)
  const settings = read.data as Record<InputName, string>
  const names = [...keyLines.keys()] as InputName[]
  return {
    path,
    values: new Map(names.map((name) => [name, { text: settings[name], line: lineOf([name]) }]))
  }
}
