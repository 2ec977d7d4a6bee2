import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Document,
  parseDocument,
  visit,
  type Node,
  type YAMLMap,
  type YAMLSeq
} from 'yaml'
import { z } from 'zod'
import {
  appendToSeq,
  applyEdits,
  contentEnd,
  insertIntoMap,
  pairOf,
  replaceScalar,
  scalarValue,
  type Edit
} from './decide-document.js'
import { isRecord } from '../../model/content.js'

/**
 * The `system.readOnly: "true"` label a read-only deploy adds to a flow's text
 * (docs/environments.md#read-only-flows).
 */

export const READ_ONLY_LABEL = 'system.readOnly'
/** The repository read bounds aliases too. */
const MAX_ALIASES = 1000

export interface ReadOnlyNote {
  refused?: string
  overridden?: boolean
  line: number
}

type Labels = [key: string, value: string][]

/**
 * `system.readOnly: "true"` in the sent text (docs/environments.md#read-only-flows). Labels that reuse
 * nodes (alias, merge key, reused anchor) are sent expanded, other aliases of them expanded as they
 * were. The result is parsed back: its labels must be the flow's plus the label and the rest unchanged,
 * else the flow is refused.
 */
export function readOnlyLabel(
  source: string,
  doc: Document.Parsed,
  lineCounter: LineCounter
): { edits: Edit[]; note: ReadOnlyNote } {
  const root = doc.contents as YAMLMap
  const pair = pairOf(root, 'labels')
  const at = (node: unknown) => lineCounter.linePos((node as Node | null)?.range?.[0] ?? 0).line
  const line = at(ownReadOnlyNode(pair?.value) ?? pair?.key)
  const refuse = (refused: string) => ({ edits: [], note: { line, refused } })
  const resolved = resolve(source)
  const own = labelList.safeParse(resolved?.labels).data
  if (!resolved || own === undefined) {
    return refuse(
      `its labels are neither a map nor a list of {key, value} with text values, so the ${READ_ONLY_LABEL} label that read-only adds cannot be added. Write labels as a map (key: value)`
    )
  }
  const userValue = own.find(([key]) => key === READ_ONLY_LABEL)?.[1]
  const overridden = userValue !== undefined && userValue !== 'true'
  const edits = reusesNodes(doc, pair?.value)
    ? expandedLabels(doc, pair!.value as Node, own)
    : plainLabelEdit(source, root)
  const expected: Labels = [
    ...own.filter(([key]) => key !== READ_ONLY_LABEL),
    [READ_ONLY_LABEL, 'true']
  ]
  const refused = edits ? checkLabelled(resolved, applyEdits(source, edits), expected) : 'no edit'
  if (refused) {
    return refuse(
      `the ${READ_ONLY_LABEL} label that read-only adds cannot be added safely to its labels (${refused}). Write labels as a plain map (key: value) without aliases or merge keys`
    )
  }
  return { edits: edits!, note: { line, ...(overridden && { overridden }) } }
}

function resolve(source: string): Record<string, unknown> | undefined {
  const doc = parseDocument(source, { merge: true, uniqueKeys: false })
  if (doc.errors.length > 0) return undefined
  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES })
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

const labelText = z.union([z.string(), z.number(), z.boolean(), z.bigint()]).transform(String)
/** Absent or empty is none; a value that is not a scalar makes them unreadable. */
const labelList = z.union([
  z
    .null()
    .or(z.undefined())
    .transform((): Labels => []),
  z.array(
    z
      .object({ key: labelText, value: labelText })
      .transform((l): Labels[number] => [l.key, l.value])
  ),
  z.record(z.string(), labelText).transform(Object.entries)
])

function reusesNodes(doc: Document.Parsed, labels: unknown): boolean {
  if (!isMap(labels) && !isSeq(labels) && !isAlias(labels)) return false
  let reuses = isAlias(labels)
  const anchors = anchorsIn(labels as Node)
  visit(labels as Node, {
    Alias() {
      reuses = true
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') reuses = true
    }
  })
  if (reuses || anchors.size === 0) return reuses
  visit(doc, {
    Alias(_key, alias) {
      if (anchors.has(alias.source)) reuses = true
    }
  })
  return reuses
}

/** Also every alias elsewhere of an anchor inside the labels written out, so only the labels gain it. */
function expandedLabels(doc: Document.Parsed, labels: Node, own: Labels): Edit[] | undefined {
  const end = isAlias(labels) ? labels.range?.[1] : contentEnd(labels)
  if (!labels.range || end === undefined) return undefined
  const kept = own.filter(([key]) => key !== READ_ONLY_LABEL)
  const asList = isSeq(labels) || (isAlias(labels) && isSeq(labels.resolve(doc)))
  const quoted = JSON.stringify
  const text = asList
    ? `[${[...kept, [READ_ONLY_LABEL, 'true']].map(([k, v]) => `{"key": ${quoted(k)}, "value": ${quoted(v)}}`).join(', ')}]`
    : `{${[...kept, [READ_ONLY_LABEL, 'true']].map(([k, v]) => `${quoted(k)}: ${quoted(v)}`).join(', ')}}`
  const edits: Edit[] = [{ start: labels.range[0], end, text }]
  if (isAlias(labels)) return edits
  const inside = anchorsIn(labels)
  let unsafe = false
  visit(doc, {
    Alias(_key, alias) {
      if (!inside.has(alias.source) || !alias.range) return
      const target = alias.resolve(doc)
      if (!target) {
        unsafe = true
        return
      }
      const value: unknown = target.toJS(doc, { maxAliasCount: MAX_ALIASES })
      edits.push({ start: alias.range[0], end: alias.range[1], text: JSON.stringify(value) })
    },
    Pair(_key, pair) {
      if (isAlias(pair.key) && inside.has(pair.key.source)) unsafe = true
    }
  })
  return unsafe ? undefined : edits
}

function anchorsIn(node: Node): Set<string> {
  const anchors = new Set<string>()
  visit(node, {
    Node(_key, inner) {
      if ('anchor' in inner && typeof inner.anchor === 'string') anchors.add(inner.anchor)
    }
  })
  return anchors
}

function ownReadOnlyNode(labels: unknown): Node | undefined {
  if (isMap(labels)) return pairOf(labels, READ_ONLY_LABEL)?.key as Node | undefined
  const item = isSeq(labels) ? readOnlyItem(labels) : undefined
  return item && (pairOf(item, 'key')?.value as Node | undefined)
}

/** The `{key: system.readOnly, value: …}` item of a list of labels. */
function readOnlyItem(labels: YAMLSeq): YAMLMap | undefined {
  return labels.items.find(
    (item) => isMap(item) && scalarValue(pairOf(item, 'key')?.value) === READ_ONLY_LABEL
  ) as YAMLMap | undefined
}

function checkLabelled(was: Record<string, unknown>, after: string, expected: Labels) {
  const now = resolve(after)
  if (!now) return 'the result does not parse'
  const labels = labelList.safeParse(now.labels).data
  const sorted = (pairs: Labels) => JSON.stringify(pairs.map((pair) => JSON.stringify(pair)).sort())
  if (!labels || sorted(labels) !== sorted(expected)) return 'the labels would change'
  const { labels: _was, ...restBefore } = was
  const { labels: _now, ...restAfter } = now
  return JSON.stringify(restBefore) === JSON.stringify(restAfter)
    ? undefined
    : 'the rest of the flow would change'
}

/** The label added to plain labels in the form the flow writes them (a map or a list). */
function plainLabelEdit(source: string, root: YAMLMap): Edit[] | undefined {
  const labels = pairOf(root, 'labels')
  const value = labels?.value
  const label = `${READ_ONLY_LABEL}: "true"`
  let edit: Edit | undefined
  if (isMap(value)) {
    const own = pairOf(value, READ_ONLY_LABEL)
    if (own) return setTrue(own.value)
    edit = insertIntoMap(source, value, { lines: [label], flowText: label })
  } else if (isSeq(value)) {
    const own = readOnlyItem(value)
    if (own) return setTrue(pairOf(own, 'value')?.value)
    edit = appendToSeq(source, value, {
      lines: [`key: ${READ_ONLY_LABEL}`, 'value: "true"'],
      flowText: `{key: ${READ_ONLY_LABEL}, value: "true"}`
    })
  } else if (labels && !(isScalar(value) && value.value === null)) {
    return undefined
  } else if (labels && isScalar(value)) {
    // `labels:` with nothing, or no labels: a labels map right after the namespace.
    edit = { ...replaceScalar(value, '')!, text: ` {${label}}` }
  } else {
    const lines = ['labels:', `  ${label}`]
    edit = insertIntoMap(
      source,
      root,
      { lines, flowText: `labels: {${label}}` },
      pairOf(root, 'namespace')
    )
  }
  return edit && [edit]
}

function setTrue(node: unknown): Edit[] | undefined {
  if (!isScalar(node)) return undefined
  if (String(node.value) === 'true') return []
  const range = node.range
  return range
    ? [{ start: range[0], end: range[1], text: range[0] === range[1] ? ' "true"' : '"true"' }]
    : undefined
}
