/** Deep comparison of what `parseAllDocuments` builds with what the fast path builds. */
import { isDocument, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml'
import type { Document } from 'yaml'

export function parseWithYaml(source: string): {
  documents: Document.Parsed[]
  lineCounter: LineCounter
} {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(source, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false
  })
  return { documents: Array.isArray(documents) ? documents : [documents], lineCounter }
}

/** Own properties that hold parser plumbing, not parse results. */
const SKIPPED = new Set(['schema', 'options', 'lineCounter'])

/**
 * The first difference between two parse results, as a path and both values; undefined when they
 * are identical: same classes and node kinds, same own properties with the same values (ranges,
 * types, sources, comments, spaceBefore, flow, formats...), same `toJS()`, same `toString()`, same
 * line starts and the same `linePos` at every node start.
 */
export function firstDifference(
  expected: { documents: Document.Parsed[]; lineCounter: LineCounter },
  actual: { documents: Document.Parsed[]; lineCounter: LineCounter }
): string | undefined {
  if (expected.documents.length !== actual.documents.length) return 'document count'
  for (let i = 0; i < expected.documents.length; i++) {
    const a = expected.documents[i]!
    const b = actual.documents[i]!
    const found =
      compare(a, b, `doc[${i}]`) ??
      compare(a.toJS(), b.toJS(), `doc[${i}].toJS()`) ??
      compare(String(a), String(b), `doc[${i}].toString()`) ??
      compare(
        { ...a.options, _directives: undefined },
        { ...b.options, _directives: undefined },
        'options',
        ['lineCounter']
      )
    if (found) return found
  }
  const lines = compare(
    expected.lineCounter.lineStarts,
    actual.lineCounter.lineStarts,
    'lineStarts'
  )
  if (lines) return lines
  for (const offset of nodeStarts(expected.documents)) {
    const at = compare(
      expected.lineCounter.linePos(offset),
      actual.lineCounter.linePos(offset),
      `linePos(${offset})`
    )
    if (at) return at
  }
  return undefined
}

function compare(a: unknown, b: unknown, path: string, skip: string[] = []): string | undefined {
  if (Object.is(a, b)) return undefined
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${show(a)} !== ${show(b)}`
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different classes`
  const checks: ((node: unknown) => boolean)[] = [isDocument, isMap, isSeq, isScalar, isPair]
  for (const check of checks) {
    if (check(a) !== check(b)) return `${path}: ${check.name} differs`
  }
  const keysA = Object.keys(a)
    .filter((key) => !SKIPPED.has(key) && !skip.includes(key))
    .sort()
  const keysB = Object.keys(b)
    .filter((key) => !SKIPPED.has(key) && !skip.includes(key))
    .sort()
  if (keysA.join() !== keysB.join()) return `${path}: keys ${keysA.join()} !== ${keysB.join()}`
  for (const key of keysA) {
    const found = compare(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`
    )
    if (found) return found
  }
  return undefined
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

function nodeStarts(documents: Document.Parsed[]): number[] {
  const starts: number[] = []
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key)
      walk(node.value)
    } else if (isMap(node) || isSeq(node) || isScalar(node)) {
      if (node.range) starts.push(node.range[0], node.range[1], node.range[2])
      if (isMap(node) || isSeq(node)) for (const item of node.items) walk(item)
    }
  }
  for (const doc of documents) walk(doc.contents)
  return starts
}
