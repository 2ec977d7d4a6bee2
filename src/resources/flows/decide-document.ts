import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import type { FlowFile, Position } from '../../model/repository.js'
import { analyseAliases, type AliasAnalysis } from '../../model/yaml-aliases.js'
import { flowKey } from '../../model/targets.js'
import { type Finding, type Severity } from '../../model/finding.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'

/** Line 1 when the node has no range. */
export function nodePosition(flow: FlowFile, node: Node | null | undefined): Position {
  const offset = node?.range?.[0]
  return offset === undefined ? { line: 1, column: 1 } : offsetPosition(flow, offset)
}

export function offsetPosition(flow: FlowFile, offset: number): Position {
  const pos = flow.lineCounter.linePos(offset)
  return { line: pos.line, column: pos.col }
}

/** Each item whose key an earlier item has, with that earlier item; an undefined key is no key. */
export function repeats<T>(items: readonly T[], key: (item: T) => string | undefined): [T, T][] {
  const first = new Map<string, T>()
  return items.flatMap((item): [T, T][] => {
    const k = key(item)
    const earlier = k === undefined ? undefined : first.get(k)
    if (k !== undefined && earlier === undefined) first.set(k, item)
    return earlier === undefined ? [] : [[item, earlier]]
  })
}

export interface Entry {
  pair: Pair
  key: Scalar
  /** The value with aliases resolved (undefined for a missing value or an unknown anchor). */
  value: Node | undefined
}

type At = Node | null | undefined

/** A flow document with alias-aware accessors; positions come from the nodes themselves. */
export class FlowDocument {
  readonly aliases: AliasAnalysis
  readonly root: YAMLMap | undefined

  constructor(
    readonly flow: FlowFile,
    readonly doc: Document.Parsed
  ) {
    this.aliases = analyseAliases(doc, flow.source)
    const contents = this.resolve(doc.contents)
    this.root = isMap(contents) ? contents : undefined
  }

  get resource(): string | undefined {
    const id = this.string(this.get(this.root, 'id')?.value)
    const namespace = this.string(this.get(this.root, 'namespace')?.value)
    return id !== undefined && namespace !== undefined ? flowKey(namespace, id) : undefined
  }

  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.aliases.targets.get(node)
    if (isMap(node) || isSeq(node) || isScalar(node)) return node
    return undefined
  }

  map(node: unknown): YAMLMap | undefined {
    const resolved = this.resolve(node)
    return isMap(resolved) ? resolved : undefined
  }

  seq(node: unknown): YAMLSeq | undefined {
    const resolved = this.resolve(node)
    return isSeq(resolved) ? resolved : undefined
  }

  /** A scalar's value as a string when it is a string (or a number/boolean written plainly). */
  string(node: unknown): string | undefined {
    const resolved = this.resolve(node)
    return isScalar(resolved) && ['string', 'number', 'boolean'].includes(typeof resolved.value)
      ? String(resolved.value)
      : undefined
  }

  /** Whether a map's `key` is `true`, as Kestra binds a boolean or its text. */
  isTrue(node: unknown, key: string): boolean {
    return this.string(this.get(node, key)?.value) === 'true'
  }

  /** True for a missing value, `null`, `~` or an empty value. */
  isNull(node: unknown): boolean {
    const resolved = this.resolve(node)
    return resolved === undefined || (isScalar(resolved) && resolved.value === null)
  }

  /** A map's pairs with a scalar key. */
  entries(node: unknown): Entry[] {
    const found: Entry[] = []
    for (const pair of this.map(node)?.items ?? []) {
      if (isPair(pair) && isScalar(pair.key)) {
        found.push({ pair, key: pair.key, value: this.resolve(pair.value) })
      }
    }
    return found
  }

  /** The pair of a map whose key is `key`, the lookup stopping there (checks ask for many keys of many maps). */
  get(node: unknown, key: string): Entry | undefined {
    for (const pair of this.map(node)?.items ?? []) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) {
        return { pair, key: pair.key, value: this.resolve(pair.value) }
      }
    }
    return undefined
  }

  items(node: unknown): Node[] {
    const items = this.seq(node)?.items ?? []
    return items.map((item) => this.resolve(item)).filter((item) => item !== undefined)
  }

  /** At a node, or at an offset in the source. */
  finding(severity: Severity, at: At | number, rule: string, message: string): Finding {
    const { line, column } =
      typeof at === 'number' ? offsetPosition(this.flow, at) : nodePosition(this.flow, at)
    const finding: Finding = { severity, file: this.flow.file, line, column, rule, message }
    const resource = this.resource
    if (resource !== undefined) finding.resource = resource
    return finding
  }

  versioned(
    since: KestraVersion,
    whenUnknown: Severity,
    node: At,
    rule: string,
    message: string
  ): VersionedFinding {
    const { severity: _, ...finding } = this.finding('error', node, rule, message)
    return { finding, since, whenUnknown }
  }

  /**
   * Only a release at or after `since` refuses it (a removal older ones accept without deprecation, or a
   * property they lack): an error there, nothing before, and when no server is known a warning, whose message
   * names that release (docs/validation-rules.md: a refusal by one supported release is a warning naming it).
   */
  onlyFrom(since: KestraVersion, node: At, rule: string, message: string): VersionedFinding {
    return { ...this.versioned(since, 'warning', node, rule, message), silentBefore: true }
  }

  /** The `occurrence`-th `needle` in a scalar's source, else its start (escapes, folding). */
  locateInScalar(node: Scalar, needle: string, occurrence = 0): number {
    const [start, end] = node.range ?? [0, 0]
    let from = start
    for (let i = 0; ; i++) {
      const at = this.flow.source.indexOf(needle, from)
      if (at < 0 || at + needle.length > end) return start
      if (i === occurrence) return at
      from = at + 1
    }
  }
}

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
    node.type === 'QUOTE_SINGLE'
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
  if (isPair(node)) return Math.max(contentEnd(node.value) ?? 0, contentEnd(node.key) ?? 0)
  if (!isMap(node) && !isSeq(node)) return (node as Node | null)?.range?.[1]
  const last: unknown = node.items.at(-1)
  return node.flow || !last ? node.range?.[1] : contentEnd(last)
}

/** `text` matched literally inside a regular expression. */
export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
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
  const end = last && contentEnd(last)
  if (map.flow) return intoFlow(source, '}', map, end, entry.flowText)
  const first = map.items[0]?.key as Node | undefined
  if (end === undefined || !first?.range) return undefined
  const indent = ' '.repeat(column(source, first.range[0]))
  const at = endOfLine(source, end)
  return { start: at, end: at, text: entry.lines.map((line) => `\n${indent}${line}`).join('') }
}

/** A new last item of a sequence: block (`- …` lines at the items' indentation) or flow (`[…]`). */
export function appendToSeq(
  source: string,
  seq: Node & { items: unknown[]; flow?: boolean },
  item: { lines: string[]; flowText: string }
): Edit | undefined {
  const last = seq.items.at(-1) as Node | undefined
  const end = last?.range ? (contentEnd(last) ?? last.range[1]) : undefined
  if (seq.flow) return intoFlow(source, ']', seq, end, item.flowText)
  const firstItem = seq.items[0] as Node | undefined
  if (end === undefined || !firstItem?.range || !seq.range) return undefined
  const dash = column(source, seq.range[0])
  // The column of the item's own text (after `- `) gives the indentation of its next lines.
  const inner = isMap(firstItem)
    ? column(
        source,
        (firstItem.items[0]?.key as Node | undefined)?.range?.[0] ?? firstItem.range[0]
      )
    : dash + 2
  const at = endOfLine(source, end)
  const [head, ...rest] = item.lines
  const text = [
    `\n${' '.repeat(dash)}- ${head}`,
    ...rest.map((line) => `\n${' '.repeat(inner)}${line}`)
  ].join('')
  return { start: at, end: at, text }
}

/** In a flow collection: after its last item's text, else before its closing bracket. */
function intoFlow(
  source: string,
  closer: string,
  collection: unknown,
  end: number | undefined,
  text: string
): Edit | undefined {
  if (end !== undefined) return { start: end, end, text: `, ${text}` }
  const close = source.lastIndexOf(closer, contentEnd(collection))
  return close < 0 ? undefined : { start: close, end: close, text }
}
