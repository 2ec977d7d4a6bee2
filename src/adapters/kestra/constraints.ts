import { isRecord } from '../../model/content.js'
import type { ServerConstraint } from '../../model/kestra.js'

/**
 * A Kestra property path: `id`, `flow.id`, `tasks[1].message`, `tasks[my-task].message`, and bean
 * validation's container elements (`labels[0].<list element>`, docs/validation-rules.md).
 */
const PATH = String.raw`[A-Za-z_$][\w$-]*(?:\[[^\]\n]*\])*(?:\.(?:[A-Za-z_$][\w$-]*|<[a-z][a-z -]*>)(?:\[[^\]\n]*\])*)*`
const LEADING_PATH = new RegExp(String.raw`^(${PATH}): ([\s\S]+)$`)
const ITEM_SEPARATOR = new RegExp(String.raw`, (?=${PATH}: )`)
const JACKSON_SOURCE = /\s*at \[Source: [\s\S]*?; line: (\d+), column: (\d+)\]/g
const JACKSON_CLASS = / \(class [\w.$]+\), not marked as ignorable(?: \([^)]*\))?/g
const JACKSON_CHAIN = /\s*\(through reference chain: ([^)]*)\)/

/**
 * Splits a validate answer's `constraints` (≤ 1.3) into violations: `path: message` items separated by newlines
 * or ", ", or a Jackson message whose reference chain gives the path.
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
  const path = chain ? pathFromReferenceChain(chain[1]!) : flowProperty(item)
  return path ? { path, message } : { message }
}

/**
 * The flow's own unknown property, which 2.0.0 names with no reference chain (`Unrecognized field "x" (class
 * …FlowWithSource)`, docs/kestra.md#the-released-core-run): its path is its name.
 */
function flowProperty(item: string): string | undefined {
  return /^Unrecognized field "([\w$-]+)" \(class io\.kestra\.core\.models\.flows\.(?:Flow|FlowWithSource)\)/.exec(
    item
  )?.[1]
}

export function pathFromReferenceChain(chain: string): string | undefined {
  let path = ''
  for (const match of chain.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g)) {
    if (match[2] !== undefined) path += `[${match[2]}]`
    else path += path ? `.${match[1]}` : match[1]
  }
  return path || undefined
}

/**
 * One validate verdict (`ValidateConstraintViolation`, docs/kestra.md#validate-flows): violations from
 * `constraints` (≤ 1.3, a text) or `errors` (2.0, `[{detail, pointer, path}]`), or why it is unreadable. Valid
 * only when recognised (the boolean `outdated` every release sends) with neither a text nor readable error items.
 */
type ReadVerdict =
  | { readable: true; errors: ServerConstraint[]; record: Record<string, unknown> }
  | { readable: false; why: string }

export function readVerdict(record: unknown): ReadVerdict {
  if (!isRecord(record)) {
    return { readable: false, why: `it is ${shapeOf(record)}, not a verdict object` }
  }
  if (typeof record.outdated !== 'boolean') {
    return {
      readable: false,
      why: `its \`outdated\` is ${shapeOf(record.outdated)}, not a boolean`
    }
  }
  const errors: ServerConstraint[] = []
  const { constraints } = record
  if (typeof constraints === 'string' && constraints.trim() !== '') {
    // Any text there is a refusal, even one with no `path: message` item left to show (`:`).
    const split = splitConstraints(constraints)
    errors.push(...(split.length > 0 ? split : [{ message: constraints.trim() }]))
  } else if (constraints !== undefined && constraints !== null) {
    return { readable: false, why: `its \`constraints\` is ${shapeOf(constraints)}` }
  }
  if (Array.isArray(record.errors)) {
    for (const error of record.errors) {
      const read = readError(error)
      if (!read) return { readable: false, why: `an item of its \`errors\` is ${shapeOf(error)}` }
      errors.push(read)
    }
  } else if (record.errors !== undefined && record.errors !== null) {
    return { readable: false, why: `its \`errors\` is ${shapeOf(record.errors)}, not a list` }
  }
  return { readable: true, errors, record }
}

/** A 2.0 `errors` item (`detail`, `pointer`, `path`); `message` as 1.x's `_embedded.errors` spell it. */
function readError(error: unknown): ServerConstraint | undefined {
  if (!isRecord(error)) return undefined
  const { detail, message, path, pointer } = error
  const text = [detail, message].find((t): t is string => typeof t === 'string' && t.trim() !== '')
  if (text === undefined) return undefined
  const constraint: ServerConstraint = { message: text }
  if (typeof path === 'string' && path) constraint.path = path
  if (typeof pointer === 'string' && pointer) constraint.pointer = pointer
  return constraint
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return value.trim() === '' ? 'a blank text' : 'a text'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const NO_VERDICT_REMEDY =
  'nothing is deployed until the server answers a verdict the action can read: check that the `server` ' +
  "input reaches Kestra itself (not a proxy's or a sign-in page), or set `server-validation: false` to " +
  "deploy without the server's verdicts"

/**
 * The finding text of a verdict that cannot be read. `answer`, the server's, is kept whole: the output edge
 * cuts it once redacted, so no cut can leave part of a credential. It comes last, so a cut keeps the advice.
 */
export function unreadableVerdict(why: string, answer: string): string {
  return `the server's validation answer could not be read (${why}); ${NO_VERDICT_REMEDY}. The answer: ${JSON.stringify(answer)}`
}

export function missingVerdict(): string {
  return `the server returned no validation result for it; ${NO_VERDICT_REMEDY}`
}

export function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
