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
  if (offset === undefined) return { line: 1, column: 1 }
  return offsetPosition(flow, offset)
}

export function offsetPosition(flow: FlowFile, offset: number): Position {
  const pos = flow.lineCounter.linePos(offset)
  return { line: pos.line, column: pos.col }
}

export interface Entry {
  pair: Pair
  key: Scalar
  /** The value with aliases resolved (undefined for a missing value or an unknown anchor). */
  value: Node | undefined
}

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
    if (!isScalar(resolved)) return undefined
    const value = resolved.value
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return undefined
  }

  /** True for a missing value, `null`, `~` or an empty value. */
  isNull(node: unknown): boolean {
    const resolved = this.resolve(node)
    return resolved === undefined || (isScalar(resolved) && resolved.value === null)
  }

  entries(node: unknown): Entry[] {
    return [...this.eachEntry(node)]
  }

  get(node: unknown, key: string): Entry | undefined {
    for (const entry of this.eachEntry(node)) if (String(entry.key.value) === key) return entry
    return undefined
  }

  /** A map's pairs with a scalar key, read one at a time: a lookup stops at its key. */
  private *eachEntry(node: unknown): Generator<Entry> {
    for (const pair of this.map(node)?.items ?? []) {
      if (isPair(pair) && isScalar(pair.key)) {
        yield { pair, key: pair.key, value: this.resolve(pair.value) }
      }
    }
  }

  items(node: unknown): Node[] {
    const seq = this.seq(node)
    if (!seq) return []
    return seq.items.map((item) => this.resolve(item)).filter((item) => item !== undefined)
  }

  finding(
    severity: Severity,
    node: Node | null | undefined,
    rule: string,
    message: string,
    resource = this.resource
  ): Finding {
    const { line, column } = nodePosition(this.flow, node)
    const finding: Finding = { severity, file: this.flow.file, line, column, rule, message }
    if (resource !== undefined) finding.resource = resource
    return finding
  }

  versioned(
    since: KestraVersion,
    whenUnknown: Severity,
    node: Node | null | undefined,
    rule: string,
    message: string
  ): VersionedFinding {
    const { severity: _, ...finding } = this.finding('error', node, rule, message)
    return { finding, since, whenUnknown }
  }

  /**
   * Only a release at or after `since` has it (a removal older ones accept without deprecation, or
   * a property they lack): an error there, nothing before, a notice when no server is known.
   */
  onlyFrom(
    since: KestraVersion,
    node: Node | null | undefined,
    rule: string,
    message: string
  ): VersionedFinding {
    return { ...this.versioned(since, 'notice', node, rule, message), silentBefore: true }
  }

  findingAt(severity: Severity, offset: number, rule: string, message: string): Finding {
    return { ...this.finding(severity, null, rule, message), ...offsetPosition(this.flow, offset) }
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
