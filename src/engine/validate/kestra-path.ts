import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { Position } from '../../model/repository.js'

/**
 * Line and column of the YAML node a Kestra path designates: `tasks[1].message`, `tasks[my-task].message`
 * (the item with that `id`), `triggers[0].labels[1].<list element>` (labels written as a map or a list),
 * or an RFC 6901 pointer (`/tasks/1/message`). Stops at the deepest node that resolves.
 */
export function locateKestraPath(
  doc: Document,
  lineCounter: LineCounter,
  pathOrPointer: string
): Position | undefined {
  const text = pathOrPointer.trim()
  if (text.startsWith('/') || text.startsWith('#/')) {
    return walk(doc.contents, pointerSegments(text), lineCounter)
  }
  const segments = pathSegments(text)
  // Server paths may carry a bean prefix (`flow.id`, `create.flow.tasks[0]`): drop what does not resolve.
  for (let start = 0; start < segments.length; start++) {
    const found = walk(doc.contents, segments.slice(start), lineCounter)
    if (found) return found
  }
  return undefined
}

function walk(root: unknown, segments: string[], lineCounter: LineCounter): Position | undefined {
  let node = root
  let offset: number | undefined
  for (const [index, name] of segments.entries()) {
    const step = child(node, name, index > 0)
    if (!step) break
    node = step.node
    offset = step.offset
  }
  if (offset === undefined) return undefined
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

/** The child node named by one segment, with the offset that best shows it (the key of a pair). */
function child(
  node: unknown,
  name: string,
  countsEntries: boolean
): { node: unknown; offset: number } | undefined {
  if (isMap(node)) {
    const named = node.items.find((pair) => {
      const key = pair.key as Node | null
      return String(isScalar(key) ? key.value : key) === name
    })
    // A list Kestra accepts written as a map (labels) counts its entries: `labels[0]` is the first.
    // Never the flow itself: a path whose head does not resolve is not an index of it.
    const pair =
      named ?? (countsEntries && /^\d+$/.test(name) ? node.items[Number(name)] : undefined)
    const range = (pair?.key as Node | null | undefined)?.range
    return pair && range ? { node: pair.value, offset: range[0] } : undefined
  }
  if (isSeq(node)) {
    const item = /^\d+$/.test(name)
      ? node.items[Number(name)]
      : node.items.find((entry) => isMap(entry) && String(entry.get('id')) === name)
    const range = (item as Node | undefined)?.range
    return range ? { node: item, offset: range[0] } : undefined
  }
  return undefined
}

function pointerSegments(pointer: string): string[] {
  const fragment = pointer.startsWith('#')
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((raw) => (fragment ? safeDecode(raw) : raw))
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function pathSegments(path: string): string[] {
  return [...path.matchAll(/\[([^\]]*)\]|([^.[\]]+)/g)].map((match) =>
    match[1] !== undefined ? match[1].trim().replace(/^(['"])(.*)\1$/, '$2') : match[2]!
  )
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
