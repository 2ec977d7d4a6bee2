import { isScalar, visit, type Document, type Scalar } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { type FlowDocument, offsetPosition } from './decide-document.js'
import { declaredInputs } from './decide-inputs.js'
import type { TaskTree } from './decide-task-tree.js'

interface Expression {
  /** Offset of the expression body in the text (after `{{` or `{%`). */
  start: number
  body: string
}

/**
 * The bodies of `{{ … }}` and `{% … %}` in a Pebble template. Text outside them, `{# … #}` comments
 * and `{% raw %}` blocks are not expressions. String literals inside a body may contain `}}`.
 */
function expressions(text: string): Expression[] {
  const out: Expression[] = []
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

/** The body with the content of string literals replaced by spaces (same length, quotes kept). */
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

/** Every string value scalar of a document that contains Pebble, visited once (aliases not followed). */
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
  const findings: Finding[] = []
  const reference = /(?<![\w.\]'"])(inputs|outputs)\.([A-Za-z0-9_][A-Za-z0-9_-]*)/g
  for (const scalar of templatedScalars(document.doc)) {
    const value = scalar.value
    for (const expression of expressions(value)) {
      const body = blankStrings(expression.body)
      for (const match of body.matchAll(reference)) {
        const kind = match[1] as 'inputs' | 'outputs'
        const name = match[2] as string
        if (!dashed[kind].has(name)) continue
        const needle = match[0]
        const index = expression.start + match.index
        const occurrence = value.slice(0, index).split(needle).length - 1
        const kindName = kind === 'inputs' ? 'input' : 'output'
        findings.push(
          document.findingAt(
            'error',
            document.locateInScalar(scalar, needle, occurrence),
            'dashed-reference',
            `Invalid ${kindName} reference \`${needle}\`: Pebble reads '-' as a minus. Use bracket notation: ${kind}['${name}']`
          )
        )
      }
    }
  }
  return findings
}

/** A call of a Pebble function, found in a rendered value of the flow. */
export interface LiteralCall {
  name: string
  /** Literal strings as their value, anything else as null. */
  args: CallArguments
  position: { line: number; column: number }
}

interface CallArguments {
  positional: (string | null)[]
  named: Map<string, string | null>
  /** Each argument's text as written, for non-string literals (`errorOnMissing=false`). */
  rawPositional: string[]
  raw: Map<string, string>
}

/**
 * Every call of the named Pebble functions in the flow's expressions, with its arguments: the one
 * scanner behind `read()` references and `secret()` / `kv()` names. Kestra never renders the flow's
 * description: a call there is text.
 */
export function literalCalls(document: FlowDocument, names: readonly string[]): LiteralCall[] {
  if (!document.root) return []
  const found: LiteralCall[] = []
  const call = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'g')
  const description = document.get(document.root, 'description')?.value
  for (const scalar of templatedScalars(document.doc)) {
    if (scalar === description) continue
    const value = scalar.value
    for (const expression of expressions(value)) {
      const blanked = blankStrings(expression.body)
      for (const match of blanked.matchAll(call)) {
        const args = callArguments(expression.body, blanked, match.index + match[0].length)
        if (!args) continue
        const name = match[1] as string
        const index = expression.start + match.index
        const occurrence = value.slice(0, index).split(name).length - 1
        const position = offsetPosition(
          document.flow,
          document.locateInScalar(scalar, name, occurrence)
        )
        found.push({ name, args, position })
      }
    }
  }
  return found
}

/**
 * Arguments of a call starting at `from` (after the `(`): literal strings as their value, anything
 * else as null. Undefined when the call is not closed.
 */
function callArguments(body: string, blanked: string, from: number): CallArguments | undefined {
  let depth = 0
  let end = -1
  for (let i = from; i < blanked.length; i++) {
    const ch = blanked[i]
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) {
        end = i
        break
      }
      depth--
    }
  }
  if (end < 0) return undefined
  const positional: (string | null)[] = []
  const named = new Map<string, string | null>()
  const rawPositional: string[] = []
  const raw = new Map<string, string>()
  let start = from
  depth = 0
  const parts: [number, number][] = []
  for (let i = from; i <= end; i++) {
    const ch = blanked[i]
    if (i === end || (ch === ',' && depth === 0)) {
      parts.push([start, i])
      start = i + 1
    } else if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
  }
  for (const [s, e] of parts) {
    const text = body.slice(s, e).trim()
    if (text === '') continue
    const namedMatch = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(text)
    const valueText = namedMatch ? (namedMatch[2] as string) : text
    const value = stringLiteral(valueText)
    if (namedMatch) {
      named.set(namedMatch[1] as string, value)
      raw.set(namedMatch[1] as string, valueText)
    } else {
      positional.push(value)
      rawPositional.push(valueText)
    }
  }
  return { positional, named, rawPositional, raw }
}

function stringLiteral(text: string): string | null {
  const match = /^(['"])((?:\\.|(?!\1)[^\\])*)\1$/.exec(text.trim())
  if (!match) return null
  return (match[2] as string).replace(/\\(.)/g, '$1')
}
