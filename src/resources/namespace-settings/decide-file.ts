import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { isRecord } from '../../model/content.js'
import type { Finding, Severity } from '../../model/finding.js'
import { isKestraNamespace } from '../../model/namespaces.js'
import { nearest } from '../../model/nearest.js'

/** Kestra Enterprise's namespaces, JSON by id: `P/namespaces/{id}` (EE OpenAPI 1.3.0 and 2.0.0). */
export const NAMESPACES_ROUTE = 'namespaces'

/**
 * The fields of Kestra Enterprise's `Namespace` entity that a settings file manages (EE OpenAPI, client-sdk
 * `kestra-ee.yml`: 1.3.0 @635944d4 has all four, 2.0.0 @50cb46f4 no `pluginDefaults`).
 */
export const FIELDS = ['description', 'variables', 'pluginDefaults', 'allowedNamespaces'] as const
export type Field = (typeof FIELDS)[number]

type Problem = Pick<Finding, 'line' | 'message'> & { severity?: Severity }

export interface ParsedSettings {
  /** The fields the file holds, each as written. */
  settings: Partial<Record<Field, unknown>>
  lines: Partial<Record<Field, number>>
  problems: Problem[]
  /** The file is another kind's document (a flow, a test suite…): not a settings file. */
  otherKind?: string
}

/** Top-level keys that only another kind's document holds. */
const OTHER_KINDS = ['id', 'namespace', 'tasks', 'type', 'triggers', 'testCases', 'charts']

const FILE_SHAPE = `a namespace settings file is a mapping of ${FIELDS.join(', ')}`

/** A settings file's fields, or the problems that keep it from being deployed (docs/namespace-settings.md#checks). */
export function parseSettingsFile(text: string): ParsedSettings {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const lineOf = (node: Node | null | undefined, fallback = 1) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback
  const toJS = (node: Node | null): unknown => node?.toJS(doc, { maxAliasCount: 100 }) ?? null
  const parsed: ParsedSettings = { settings: {}, lines: {}, problems: [] }
  parsed.problems.push(
    ...doc.errors.map((error) => ({
      line: lineCounter.linePos(error.pos[0]).line,
      message: `not a namespace settings file: ${error.message.split('\n')[0]}`
    }))
  )
  const root = doc.contents
  if (parsed.problems.length > 0 || root === null || (isScalar(root) && root.value === null)) {
    return parsed
  }
  if (!isMap(root)) return { ...parsed, problems: [{ line: lineOf(root), message: FILE_SHAPE }] }
  const keys = root.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined))
  const other = keys.find((key) => typeof key === 'string' && OTHER_KINDS.includes(key))
  if (other !== undefined) return { ...parsed, otherKind: String(other) }
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const line = lineOf(keyNode)
    const key = isScalar(keyNode) ? keyNode.value : undefined
    if (typeof key !== 'string' || !(FIELDS as readonly string[]).includes(key)) {
      const near = typeof key === 'string' ? nearest(key, FIELDS) : undefined
      parsed.problems.push({
        line,
        message: `unknown key ${JSON.stringify(key)}: ${FILE_SHAPE}${near ? ` (did you mean '${near}'?)` : ''}`
      })
      continue
    }
    const field = key as Field
    const valueNode = pair.value as Node | null
    const problem = fieldProblem(field, valueNode, lineOf, toJS)
    if (problem) {
      parsed.problems.push({
        line: problem.line ?? lineOf(valueNode, line),
        message: problem.message
      })
      continue
    }
    parsed.settings[field] = toJS(valueNode)
    parsed.lines[field] = line
  }
  return parsed
}

/** Why a field's value is not what Kestra's `Namespace` holds there, on the line that says so. */
function fieldProblem(
  field: Field,
  node: Node | null,
  lineOf: (node: Node | null | undefined) => number,
  toJS: (node: Node | null) => unknown
): { message: string; line?: number } | undefined {
  if (field === 'description') {
    return isScalar(node) && typeof node.value === 'string'
      ? undefined
      : { message: 'description is text: write it as a plain or quoted string' }
  }
  if (field === 'variables') {
    if (!isMap(node)) return { message: 'variables is a mapping of names to values' }
    const bad = node.items.find((pair) => !plainData(toJS(pair.value as Node | null)))
    return bad && { message: 'a variable holds plain data only', line: lineOf(bad.key as Node) }
  }
  if (!isSeq(node)) {
    return {
      message:
        field === 'pluginDefaults'
          ? 'pluginDefaults is a list of `- type: …` entries, each with its values'
          : 'allowedNamespaces is a list of `- namespace: …` entries'
    }
  }
  for (const item of node.items as (Node | null)[]) {
    const entry = toJS(item)
    const message = field === 'pluginDefaults' ? pluginDefaultProblem(entry) : allowedProblem(entry)
    if (message) return { message, line: lineOf(item) }
  }
  return undefined
}

/** Kestra's `PluginDefault`: `type` (required), `forced`, `values`. */
function pluginDefaultProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return 'a plugin default is a mapping with a type and its values'
  const unknown = Object.keys(entry).find((key) => !['type', 'forced', 'values'].includes(key))
  if (unknown !== undefined) {
    const near = nearest(unknown, ['type', 'forced', 'values'])
    return `a plugin default holds type, forced and values, not ${unknown}${near ? ` (did you mean '${near}'?)` : ''}`
  }
  if (typeof entry.type !== 'string' || entry.type === '') return 'a plugin default needs its type'
  if (entry.forced !== undefined && typeof entry.forced !== 'boolean')
    return 'forced is true or false'
  if (entry.values !== undefined && !isRecord(entry.values)) return 'values is a mapping'
  return plainData(entry) ? undefined : 'a plugin default holds plain data only'
}

/** Kestra's `Namespace.AllowedNamespace`: `namespace`. */
function allowedProblem(entry: unknown): string | undefined {
  const ok =
    isRecord(entry) &&
    Object.keys(entry).length === 1 &&
    typeof entry.namespace === 'string' &&
    isKestraNamespace(entry.namespace)
  return ok ? undefined : 'an allowed namespace is `- namespace: <namespace>`'
}

/** JSON's data: no tag, no number JSON cannot write. */
function plainData(data: unknown): boolean {
  let plain = true
  const visit = (value: unknown): void => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return
    if (typeof value === 'number') {
      plain &&= Number.isFinite(value)
      return
    }
    if (Array.isArray(value)) return value.forEach(visit)
    if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.values(value).forEach(visit)
    }
    plain = false
  }
  visit(data)
  return plain
}

/**
 * The fields as compared (docs/namespace-settings.md#plan): an absent or empty field is its empty value, a plugin
 * default's `forced: false` and empty `values` are left out, an allowed namespace is its name; key order is not
 * significant (canonical JSON).
 */
export function managedView(
  fields: readonly Field[],
  source: Record<string, unknown>
): Record<string, unknown> {
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : [])
  const view: Record<string, unknown> = {}
  for (const field of fields) {
    const value = source[field]
    if (field === 'description') view[field] = typeof value === 'string' ? value : ''
    if (field === 'variables') view[field] = isRecord(value) ? value : {}
    if (field === 'pluginDefaults') {
      view[field] = list(value).map((item) => {
        const entry = isRecord(item) ? item : {}
        const values = isRecord(entry.values) ? entry.values : {}
        return {
          type: entry.type,
          ...(entry.forced === true && { forced: true }),
          ...(Object.keys(values).length > 0 && { values })
        }
      })
    }
    if (field === 'allowedNamespaces') {
      view[field] = list(value).map((item) => ({
        namespace: isRecord(item) ? item.namespace : item
      }))
    }
  }
  return view
}

/**
 * `{id, deleted}` and nothing else: what Kestra answers for a namespace it knows only from its flows, files or KV
 * pairs (always, on open-source Kestra): no entity to keep, so the settings are created.
 */
export function implicit(entity: Record<string, unknown>): boolean {
  return Object.keys(entity).every((key) => key === 'id' || key === 'deleted')
}
