import type { FlowDocument } from './decide-document.js'
import { offsetPosition } from './decide-document.js'
import { blankStrings, expressions, templatedScalars } from './decide-pebble.js'

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
