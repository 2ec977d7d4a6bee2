import { isScalar, visit } from 'yaml'
import type { Document, Scalar } from 'yaml'

interface Expression {
  /** Offset of the expression body in the text (after `{{` or `{%`). */
  start: number
  body: string
}

/**
 * The bodies of `{{ … }}` and `{% … %}` in a Pebble template. Text outside them, `{# … #}` comments
 * and `{% raw %}` blocks are not expressions. String literals inside a body may contain `}}`.
 */
export function expressions(text: string): Expression[] {
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
export function blankStrings(body: string): string {
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
export function templatedScalars(doc: Document.Parsed): Scalar<string>[] {
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
