import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml'

/** A splice of the source: `text` replaces `[start, end)` (an insertion when they are equal). */
export interface Edit {
  start: number
  end: number
  text: string
}

/** Edits never overlap (each touches its own node). */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  let out = source
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  }
  return out
}

/**
 * `value` written where the scalar is, in the scalar's own style (plain stays plain, quotes stay the
 * same quotes): only that node's text changes. `value` is a namespace or `true`, safe as a plain scalar.
 */
export function replaceScalar(node: Scalar, value: string): Edit | undefined {
  const range = node.range
  if (!range) return undefined
  const text =
    node.type === 'QUOTE_DOUBLE'
      ? JSON.stringify(value)
      : node.type === 'QUOTE_SINGLE'
        ? `'${value.replace(/'/g, "''")}'`
        : node.type === 'PLAIN'
          ? value
          : JSON.stringify(value)
  // `key:` with no value: the node is empty, a space keeps `key: value` a pair.
  const empty = range[0] === range[1]
  return { start: range[0], end: range[1], text: empty ? ` ${text}` : text }
}

export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)
}

export function scalarValue(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'boolean')
    ? String(node.value)
    : undefined
}

/**
 * Where a node's own text ends, before any trailing comment or line break: a collection ends where its
 * last scalar does (its own range runs on to the next line).
 */
export function contentEnd(node: unknown): number | undefined {
  if (isMap(node)) {
    const last = node.items.at(-1)
    return node.flow || !last ? node.range?.[1] : pairEnd(last)
  }
  if (isSeq(node)) {
    const last = node.items.at(-1)
    return node.flow || !last ? node.range?.[1] : contentEnd(last)
  }
  return (node as Node | null)?.range?.[1]
}

function pairEnd(pair: Pair): number {
  return Math.max(contentEnd(pair.value) ?? 0, contentEnd(pair.key) ?? 0)
}

export function column(source: string, offset: number): number {
  return offset - (source.lastIndexOf('\n', offset - 1) + 1)
}

export function endOfLine(source: string, offset: number): number {
  const newline = source.indexOf('\n', offset)
  return newline < 0 ? source.length : newline
}

/**
 * A new entry in `map` right after `after` (or after its last entry). In a block map, `lines` are
 * written at the map's indentation on their own lines; in a flow map (`{…}`), `flowText` follows a comma.
 */
export function insertIntoMap(
  source: string,
  map: YAMLMap,
  entry: { lines: string[]; flowText: string },
  after?: Pair
): Edit | undefined {
  const last = after ?? map.items.at(-1)
  if (map.flow) {
    if (!last) {
      const close = source.lastIndexOf('}', contentEnd(map))
      return close < 0 ? undefined : { start: close, end: close, text: entry.flowText }
    }
    const at = pairEnd(last)
    return { start: at, end: at, text: `, ${entry.flowText}` }
  }
  const first = map.items[0]?.key as Node | undefined
  if (!last || !first?.range) return undefined
  const indent = ' '.repeat(column(source, first.range[0]))
  const at = endOfLine(source, pairEnd(last))
  return { start: at, end: at, text: entry.lines.map((line) => `\n${indent}${line}`).join('') }
}

/** A new last item of a sequence: block (`- …` lines at the items' indentation) or flow (`[…]`). */
export function appendToSeq(
  source: string,
  seq: Node & { items: unknown[]; flow?: boolean },
  item: { lines: string[]; flowText: string }
): Edit | undefined {
  const last = seq.items.at(-1) as Node | undefined
  if (seq.flow) {
    if (!last?.range) {
      const close = source.lastIndexOf(']', contentEnd(seq))
      return close < 0 ? undefined : { start: close, end: close, text: item.flowText }
    }
    const at = contentEnd(last) ?? last.range[1]
    return { start: at, end: at, text: `, ${item.flowText}` }
  }
  const firstItem = seq.items[0] as Node | undefined
  if (!last?.range || !firstItem?.range || !seq.range) return undefined
  const dash = column(source, seq.range[0])
  // The column of the item's own text (after `- `) gives the indentation of its next lines.
  const inner = isMap(firstItem)
    ? column(
        source,
        (firstItem.items[0]?.key as Node | undefined)?.range?.[0] ?? firstItem.range[0]
      )
    : dash + 2
  const at = endOfLine(source, contentEnd(last) ?? last.range[1])
  const [head, ...rest] = item.lines
  const text = [
    `\n${' '.repeat(dash)}- ${head}`,
    ...rest.map((line) => `\n${' '.repeat(inner)}${line}`)
  ].join('')
  return { start: at, end: at, text }
}
