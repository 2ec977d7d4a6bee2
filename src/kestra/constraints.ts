import type { ServerConstraint } from '../model/kestra.js'

/** A Kestra property path: `id`, `flow.id`, `tasks[1].message`, `tasks[my-task].message`. */
const PATH = String.raw`[A-Za-z_$][\w$-]*(?:\[[^\]\n]*\])*(?:\.[A-Za-z_$][\w$-]*(?:\[[^\]\n]*\])*)*`
const LEADING_PATH = new RegExp(String.raw`^(${PATH}): ([\s\S]+)$`)
const ITEM_SEPARATOR = new RegExp(String.raw`, (?=${PATH}: )`)
const JACKSON_SOURCE = /\s*at \[Source: [\s\S]*?; line: (\d+), column: (\d+)\]/g
const JACKSON_CLASS = / \(class [\w.$]+\), not marked as ignorable(?: \([^)]*\))?/g
const JACKSON_CHAIN = /\s*\(through reference chain: ([^)]*)\)/

/**
 * Splits the `constraints` string of a validate answer (≤ 1.3) into violations. It holds one or
 * more `path: message` items separated by newlines or by ", ", or a parser message (Jackson) whose
 * reference chain gives the path.
 */
export function splitConstraints(constraints: string): ServerConstraint[] {
  let text = constraints.trim()
  for (let previous = ''; previous !== text;) {
    previous = text
    text = text.replace(/^Validation error:\s*/, '').replace(/^:\s*/, '')
  }
  // The quoted source inside a Jackson message spans lines that could pass for violations.
  text = text.replace(JACKSON_SOURCE, ' (line $1, column $2)')
  const items: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (items.length === 0 || LEADING_PATH.test(line)) items.push(line)
    else items[items.length - 1] += `\n${line}`
  }
  return items
    .flatMap((item) => item.split(ITEM_SEPARATOR))
    .map((item) => item.trim())
    .filter(Boolean)
    .map(toConstraint)
}

function toConstraint(item: string): ServerConstraint {
  const chain = JACKSON_CHAIN.exec(item)
  const message = item.replace(JACKSON_CHAIN, '').replace(JACKSON_CLASS, '').trim()
  const leading = LEADING_PATH.exec(message)
  if (leading) return { path: leading[1], message: leading[2]!.trim() }
  const path = chain ? pathFromReferenceChain(chain[1]!) : undefined
  return path ? { path, message } : { message }
}

/** `io.kestra…Flow["tasks"]->java.util.ArrayList[0]->…Log["format"]` → `tasks[0].format`. */
export function pathFromReferenceChain(chain: string): string | undefined {
  let path = ''
  for (const match of chain.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g)) {
    if (match[2] !== undefined) path += `[${match[2]}]`
    else path += path ? `.${match[1]}` : match[1]
  }
  return path || undefined
}
