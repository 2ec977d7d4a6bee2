import { NAMESPACE_PATTERN } from '../namespaces.js'

/**
 * One `smoke-flows` line: a flow to execute after the deploy, with its inputs
 * (docs/smoke-and-rollback.md#smoke-flows).
 */
export interface SmokeFlow {
  namespace: string
  id: string
  /** Input id → value as text, in the order written. */
  inputs: readonly (readonly [string, string])[]
}

const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const INPUT_ID = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/
/** A word: `key=value`, `key="value with spaces"` (`\"` and `\\` escaped inside quotes), or a bare word. */
const WORD = /[^\s=]+=(?:"(?:[^"\\]|\\.)*"(?!\S)|\S*)|\S+/g
const QUOTED = /^"(?:[^"\\]|\\.)*"$/

/**
 * Parses `NAMESPACE.ID [key=value …]` (the id is the part after the last dot); returns the flow or why the
 * line is not one.
 */
export function parseSmokeLine(text: string): SmokeFlow | string {
  const [target, ...rest] = [...text.matchAll(WORD)].map((match) => match[0])
  if (target === undefined) return 'empty line'
  const dot = target.lastIndexOf('.')
  const namespace = target.slice(0, Math.max(dot, 0))
  const id = target.slice(dot + 1)
  if (dot <= 0 || !NAMESPACE_PATTERN.test(namespace) || !FLOW_ID.test(id)) {
    return `'${target}' is not NAMESPACE.ID (a lower-case namespace, a dot, then the flow id)`
  }
  const inputs: [string, string][] = []
  for (const word of rest) {
    const equals = word.indexOf('=')
    const key = word.slice(0, Math.max(equals, 0))
    if (equals <= 0 || !INPUT_ID.test(key)) return `'${word}' is not an input as key=value`
    if (inputs.some(([k]) => k === key)) return `input '${key}' is given twice`
    let value = word.slice(equals + 1)
    if (value.startsWith('"')) {
      if (!QUOTED.test(value)) return `the value of '${key}' opens a quote it does not close`
      value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    }
    inputs.push([key, value])
  }
  return { namespace, id, inputs }
}
