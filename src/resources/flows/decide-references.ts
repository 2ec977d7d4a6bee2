import type { FlowFile, Position } from '../../model/repository.js'
import { flowKey } from '../../model/targets.js'
import type { Finding } from '../../model/finding.js'
import { FlowDocument, nodePosition, offsetPosition } from './decide-document.js'
import { flowLinks, taskTree, type TaskTree } from './decide-task-tree.js'
import type { NameReference } from '../../model/names.js'
import type { FlowReference, KnownResources } from '../../model/references.js'
import type { FlowCaller } from '../../model/plan.js'
import { isScalar, visit, type Document, type Scalar } from 'yaml'
import { declaredInputs } from './decide-declared-inputs.js'

/**
 * References a flow makes that can be checked without plugins: `read('…')` of a namespace file, and
 * every flow it names (`flowLinks`). Only literal values count.
 */
export function collectReferences(flows: readonly FlowFile[]): FlowReference[] {
  return flows.flatMap((flow) => {
    const doc = flow.documents[0]
    if (flow.notAFlow || !doc) return []
    const document = new FlowDocument(flow, doc)
    return scanFlow(document, taskTree(document), ['read']).references
  })
}

/** The flow's references and `secret()` / `kv()` names, from one scan of its expressions. */
export function referencesAndNamesOf(
  document: FlowDocument,
  tree = taskTree(document)
): ReturnType<typeof scanFlow> {
  return scanFlow(document, tree, ['read', ...NAME_FUNCTIONS])
}

function scanFlow(
  document: FlowDocument,
  tree: TaskTree,
  functions: readonly string[]
): { references: FlowReference[]; names: NameReference[] } {
  const { flow } = document
  if (
    flow.id === undefined ||
    flow.namespace === undefined ||
    !document.root ||
    !document.aliases.safe
  ) {
    return { references: [], names: [] }
  }
  const fromFlow = flowKey(flow.namespace, flow.id)
  const calls = literalCalls(document, functions)
  const reads = calls.filter((c) => c.name === 'read')
  return {
    references: [
      ...fileReferences(document, reads, flow.namespace, fromFlow),
      ...flowReferences(document, tree, fromFlow)
    ],
    names: nameReferences(calls, { file: flow.file, namespace: flow.namespace, fromFlow })
  }
}

export const CALLS: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow calls',
  foreach: 'ForEachItem calls',
  'flow-trigger': 'Flow trigger waits for'
}

export function referenceFindings(
  refs: FlowReference[],
  known: KnownResources,
  serverChecked: boolean,
  /** Folders under root holding the repository's files of a namespace. */
  fileFoldersOf: (namespace: string) => readonly string[] = () => []
): Finding[] {
  return refs.flatMap((ref): Finding | Finding[] => {
    const site = { file: ref.file, line: ref.line, column: ref.column, resource: ref.fromFlow }
    if (ref.kind === 'file') {
      if (known.hasFile(ref.namespace, ref.path)) return []
      return {
        ...site,
        severity: serverChecked ? 'error' : 'warning',
        rule: 'missing-namespace-file',
        message:
          (serverChecked
            ? `read('${ref.path}'): namespace file ${ref.path} is neither in the repository nor on the server for namespace ${ref.namespace}. `
            : `read('${ref.path}'): namespace file ${ref.path} of namespace ${ref.namespace} is not in the repository; the server was not checked. `) +
          lookedIn(ref.namespace, fileFoldersOf(ref.namespace))
      }
    }
    if (known.hasFlow(ref.namespace, ref.id)) return []
    return {
      ...site,
      severity: 'warning',
      rule: 'missing-flow',
      message: `${CALLS[ref.via]} flow ${ref.namespace}.${ref.id}, which is not in the repository${serverChecked ? ' nor on the server' : ' (the server was not checked)'}. Add it or fix namespace/flowId`
    }
  })
}

function fileReferences(
  document: FlowDocument,
  calls: readonly LiteralCall[],
  namespace: string,
  fromFlow: string
): FlowReference[] {
  return calls.flatMap(({ args, position }): FlowReference[] => {
    // A computed `path=` gives way to a first positional argument.
    const path = argument(args, 'path', 0) ?? argument({ ...args, named: new Map() }, 'path', 0)
    const ns = argument(args, 'namespace', 1)
    if (typeof path !== 'string' || ns === null || path.startsWith('kestra://')) return []
    return [
      {
        kind: 'file',
        namespace: ns ?? namespace,
        path: `/${path.replace(/^\/+/, '')}`,
        file: document.flow.file,
        ...position,
        fromFlow
      }
    ]
  })
}

function flowReferences(document: FlowDocument, tree: TaskTree, fromFlow: string): FlowReference[] {
  const literal = (node: unknown): string | undefined => {
    const value = document.string(node)
    return value === undefined || /\{[{%]/.test(value) ? undefined : value
  }
  return flowLinks(document, tree).flatMap((link): FlowReference[] => {
    const id = literal(link.flowId.value)
    const namespace = literal(link.namespace.value)
    if (id === undefined || namespace === undefined) return []
    return [
      {
        kind: 'flow',
        via: link.via,
        namespace,
        id,
        file: document.flow.file,
        ...nodePosition(document.flow, link.at),
        fromFlow,
        ...(link.unconditional && { unconditional: true as const })
      }
    ]
  })
}

function lookedIn(namespace: string, folders: readonly string[]): string {
  if (folders.length === 0) {
    return (
      `No folder holds the files of ${namespace}: keep them in files/${namespace}/ beside the flows, or add a ` +
      `namespace-files line 'DIR -> ${namespace}'; or fix the path`
    )
  }
  const named = folders.map((folder) => `'${folder}'`).join(', ')
  return `Looked in ${named} under root: add the file there or fix the path`
}

/** What the kinds know to exist (`Snapshot.targets`), as a flow's references look it up. */
export function knownResources(targets: ReadonlyMap<string, ReadonlySet<string>>): KnownResources {
  const has = (kind: string, key: string) => targets.get(kind)?.has(key) ?? false
  return {
    hasFile: (namespace, path) => has('file', `${namespace}\0${path}`),
    hasFlow: (namespace, id) => has('flow', `${namespace}\0${id}`)
  }
}

/** docs/caught-at-review.md#secrets-and-kv-keys */
const NAME_FUNCTIONS = ['secret', 'kv'] as const

/**
 * Pebble's argument order: `secret(key, namespace, subkey, full)` and `kv(key, namespace, errorOnMissing)`
 * (docs/kestra.md#secrets, #kv-inheritance). A call whose name or namespace is computed cannot be
 * checked, and `kv(…, errorOnMissing=false)` reads a missing key as `null`: those are left out.
 */
function nameReferences(
  calls: readonly LiteralCall[],
  flow: { file: string; namespace: string; fromFlow: string }
): NameReference[] {
  return calls.flatMap((call): NameReference[] => {
    if (call.name !== 'secret' && call.name !== 'kv') return []
    const name = argument(call.args, 'key', 0)
    const namespace = argument(call.args, 'namespace', 1)
    if (name === undefined || name === null || name === '' || namespace === null) return []
    if (call.name === 'kv' && allowsMissing(call)) return []
    return [
      {
        kind: call.name,
        name,
        ...(namespace !== undefined && { namespace }),
        flowNamespace: flow.namespace,
        file: flow.file,
        ...call.position,
        fromFlow: flow.fromFlow
      }
    ]
  })
}

/** `errorOnMissing` given and not the literal `true` (a computed one may be false: no finding then). */
function allowsMissing(call: LiteralCall): boolean {
  const raw = call.args.named.get('errorOnMissing') ?? call.args.positional[2]
  return raw !== undefined && raw.trim() !== 'true'
}

/**
 * The bodies of `{{ … }}` and `{% … %}` in a Pebble template, each with its offset in the text. Text
 * outside them, `{# … #}` comments and `{% raw %}` blocks are not expressions. String literals inside a
 * body may contain `}}`.
 */
function expressions(text: string): { start: number; body: string }[] {
  const out: { start: number; body: string }[] = []
  let at = 0
  while (at < text.length) {
    const open = text.indexOf('{', at)
    if (open < 0 || open + 1 >= text.length) break
    const kind = text[open + 1]
    if (kind === '#') {
      const close = text.indexOf('#}', open + 2)
      at = close < 0 ? text.length : close + 2
      continue
    }
    if (kind !== '{' && kind !== '%') {
      at = open + 1
      continue
    }
    const closer = kind === '{' ? '}}' : '%}'
    const start = open + 2
    const end = closingIndex(text, start, closer)
    const body = text.slice(start, end < 0 ? text.length : end)
    out.push({ start, body })
    at = end < 0 ? text.length : end + 2
    if (kind === '%' && /^-?\s*raw\s*-?$/.test(body)) {
      const endraw = /\{%-?\s*endraw\s*-?%\}/g
      endraw.lastIndex = at
      const found = endraw.exec(text)
      at = found ? found.index + found[0].length : text.length
    }
  }
  return out
}

function closingIndex(text: string, from: number, closer: string): number {
  let quote: string | undefined
  for (let i = from; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = undefined
    } else if (ch === '"' || ch === "'") {
      quote = ch
    } else if (text.startsWith(closer, i)) {
      return i
    }
  }
  return -1
}

/** String literals blanked to spaces (same length, quotes kept). */
function blankStrings(body: string): string {
  let out = ''
  let quote: string | undefined
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string
    if (quote) {
      if (ch === quote) {
        quote = undefined
        out += ch
      } else if (ch === '\\' && i + 1 < body.length) {
        out += '  '
        i++
      } else out += ch === '\n' ? '\n' : ' '
    } else {
      if (ch === '"' || ch === "'") quote = ch
      out += ch
    }
  }
  return out
}

/** Visited once (aliases not followed). */
function templatedScalars(doc: Document.Parsed): Scalar<string>[] {
  const out: Scalar<string>[] = []
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key') return
      if (isScalar(node) && typeof node.value === 'string' && /\{[{%]/.test(node.value)) {
        out.push(node as Scalar<string>)
      }
    }
  })
  return out
}

/**
 * Each match of `pattern` in the flow's expressions, string literals blanked, with the offset in the
 * source of its first group's text.
 */
function expressionMatches(document: FlowDocument, pattern: RegExp) {
  return templatedScalars(document.doc).flatMap((scalar) =>
    expressions(scalar.value).flatMap(({ start, body }) => {
      const blanked = blankStrings(body)
      return [...blanked.matchAll(pattern)].map((match) => {
        const needle = match[1] as string
        const occurrence = scalar.value.slice(0, start + match.index).split(needle).length - 1
        const at = document.locateInScalar(scalar, needle, occurrence)
        return { scalar, body, blanked, match, at }
      })
    })
  )
}

/**
 * `{{ inputs.my-input }}` / `{{ outputs.my-task.value }}` where `my-input` / `my-task` is a declared
 * id: Pebble reads the dash as a subtraction, and Kestra rejects it. Only declared dashed ids count,
 * so `{{ inputs.a - 1 }}` or `{{ inputs.a-b }}` with an input `a` are left alone.
 */
export function dashedReferenceFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const dashed = {
    inputs: new Set(
      declaredInputs(document).flatMap((input) => (input.id?.includes('-') ? [input.id] : []))
    ),
    outputs: new Set(tree.tasks.flatMap((task) => (task.id?.includes('-') ? [task.id] : [])))
  }
  if (dashed.inputs.size === 0 && dashed.outputs.size === 0) return []
  const reference = /(?<![\w.\]'"])((inputs|outputs)\.([A-Za-z0-9_][A-Za-z0-9_-]*))/g
  return expressionMatches(document, reference).flatMap(({ match, at }) => {
    const [, needle, kind, name] = match as unknown as [string, string, keyof typeof dashed, string]
    if (!dashed[kind].has(name)) return []
    return document.finding(
      'error',
      at,
      'dashed-reference',
      `Invalid ${kind === 'inputs' ? 'input' : 'output'} reference \`${needle}\`: Pebble reads '-' as a minus. Use bracket notation: ${kind}['${name}']`
    )
  })
}

/**
 * Each `outputs.<taskId>.outputs.<name>` in the flow's expressions: what a caller reads of the flow its Subflow task
 * `taskId` calls (docs/caught-at-review.md#subflow-contracts). Left out, where Kestra may not fail: descriptions
 * (never rendered), an expression that guards a missing value (`??`, `default`, `defined`, `null`, `empty`), a task
 * id Pebble cannot read dotted.
 */
export function subflowOutputReads(
  document: FlowDocument,
  tree: TaskTree,
  taskId: string
): ({ name: string } & Position)[] {
  if (!/^\w+$/.test(taskId)) return []
  const read = new RegExp(
    `(?<![\\w.\\]'"])(outputs\\.${taskId}\\.outputs\\.([A-Za-z_]\\w*))(?![\\w-])`,
    'g'
  )
  const unrendered = new Set(
    [document.root, ...tree.tasks.map((task) => task.map)].map(
      (map) => document.get(map, 'description')?.value
    )
  )
  return expressionMatches(document, read).flatMap(({ scalar, blanked, match, at }) =>
    unrendered.has(scalar) || GUARDED.test(blanked)
      ? []
      : [{ name: match[2] as string, ...offsetPosition(document.flow, at) }]
  )
}

/** Pebble that reads a missing value without failing. */
const GUARDED = /\?\?|\b(?:default|defined|null|empty)\b/

interface LiteralCall {
  name: string
  args: CallArguments
  position: { line: number; column: number }
}

/** Each argument's text as written; `stringLiteral` reads a literal's value. */
interface CallArguments {
  positional: string[]
  named: Map<string, string>
}

/** The argument named `name`, else the one at `index`, as a string literal's value (null for another value). */
function argument(args: CallArguments, name: string, index: number): string | null | undefined {
  const text = args.named.has(name) ? args.named.get(name) : args.positional[index]
  return text === undefined ? undefined : stringLiteral(text)
}

/**
 * Every call of the named Pebble functions in the flow's expressions, with its arguments: the one
 * scanner behind `read()` references and `secret()` / `kv()` names. Kestra never renders the flow's
 * description: a call there is text.
 */
function literalCalls(document: FlowDocument, names: readonly string[]): LiteralCall[] {
  const call = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'g')
  const description = document.get(document.root, 'description')?.value
  return expressionMatches(document, call).flatMap(({ scalar, body, blanked, match, at }) => {
    const args =
      scalar !== description && callArguments(body, blanked, match.index + match[0].length)
    return args
      ? [{ name: match[1] as string, args, position: offsetPosition(document.flow, at) }]
      : []
  })
}

/** Arguments from `from` (after the `(`); undefined when the call is not closed. */
function callArguments(body: string, blanked: string, from: number): CallArguments | undefined {
  const args: CallArguments = { positional: [], named: new Map() }
  let depth = 0
  let start = from
  for (let i = from; i < blanked.length; i++) {
    const ch = blanked[i] as string
    const closing = ch === ')' || ch === ']' || ch === '}'
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (closing && depth > 0) depth--
    else if (closing || (ch === ',' && depth === 0)) {
      const text = body.slice(start, i).trim()
      const namedMatch = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(text)
      if (namedMatch) args.named.set(namedMatch[1] as string, namedMatch[2] as string)
      else if (text !== '') args.positional.push(text)
      if (closing) return args
      start = i + 1
    }
  }
  return undefined
}

function stringLiteral(text: string): string | null {
  const match = /^(['"])((?:\\.|(?!\1)[^\\])*)\1$/.exec(text.trim())
  return match ? (match[2] as string).replace(/\\(.)/g, '$1') : null
}
