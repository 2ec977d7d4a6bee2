import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node,
  type Scalar,
  type YAMLMap
} from 'yaml'
import { FLOW_TRIGGER_TYPES, FOREACH_ITEM_TYPES, SUBFLOW_TYPES } from '../validate/tasks.js'
import {
  appendToSeq,
  applyEdits,
  insertIntoMap,
  pairOf,
  replaceScalar,
  scalarValue,
  type Edit
} from './yaml-edits.js'

/** How the text sent to Kestra differs from the repository's (docs/environments.md). */
export interface SendOptions {
  /** The namespace a repository namespace is sent as; undefined for a namespace the repository does not hold. */
  mapNamespace(namespace: string): string | undefined
  disableTriggers: boolean
  readOnly: boolean
}

/** A Pebble expression naming a mapped namespace: it is sent as written, so it still names the original. */
export interface PebbleMention {
  line: number
  namespace: string
  mapped: string
}

export interface SentFlow {
  source: string
  pebble: PebbleMention[]
}

export const READ_ONLY_LABEL = 'system.readOnly'
const READ_ONLY_LINES = { map: `${READ_ONLY_LABEL}: "true"` }

/**
 * The flow as it is sent: each edit touches one node of the parsed document and keeps every other
 * character, so comments, quoting and layout stay the user's. A source that does not parse is sent
 * unchanged (validation has already reported it).
 */
export function sentFlow(source: string, options: SendOptions): SentFlow {
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, { lineCounter, keepSourceTokens: false, uniqueKeys: false })
  const root = doc.contents
  if (doc.errors.length > 0 || !isMap(root)) return { source, pebble: [] }
  const edits: Edit[] = []
  const mapScalar = (node: unknown) => {
    const value = scalarValue(node)
    const mapped = value === undefined ? undefined : options.mapNamespace(value)
    const edit = mapped === undefined ? undefined : replaceScalar(node as Scalar, mapped)
    if (edit) edits.push(edit)
  }
  mapScalar(pairOf(root, 'namespace')?.value)
  visit(doc, {
    Map(_key, map) {
      const type = scalarValue(pairOf(map, 'type')?.value)
      if (type && (SUBFLOW_TYPES.has(type) || FOREACH_ITEM_TYPES.has(type))) {
        mapScalar(pairOf(map, 'namespace')?.value)
      }
      if (type && FLOW_TRIGGER_TYPES.has(type)) {
        for (const key of ['conditions', 'preconditions']) {
          visit(pairOf(map, key)?.value as Node, {
            Map(_k, inner) {
              mapScalar(pairOf(inner, 'namespace')?.value)
            }
          })
        }
      }
    }
  })
  if (options.disableTriggers) edits.push(...disabledTriggers(source, root))
  if (options.readOnly) {
    const edit = readOnlyLabel(source, root)
    if (edit) edits.push(edit)
  }
  return {
    source: applyEdits(source, edits),
    pebble: pebbleMentions(source, doc, lineCounter, options)
  }
}

/** `disabled: true` on every trigger: the value replaced when the key is there, else a new entry. */
function disabledTriggers(source: string, root: YAMLMap): Edit[] {
  const triggers = pairOf(root, 'triggers')?.value
  if (!isSeq(triggers)) return []
  return triggers.items.flatMap((trigger) => {
    if (!isMap(trigger)) return []
    const disabled = pairOf(trigger, 'disabled')
    if (disabled) {
      if (!isScalar(disabled.value) && disabled.value !== null) return []
      if (isScalar(disabled.value) && disabled.value.value === true) return []
      const edit = isScalar(disabled.value) ? replaceScalar(disabled.value, 'true') : undefined
      return edit ? [edit] : []
    }
    const edit = insertIntoMap(source, trigger, {
      lines: ['disabled: true'],
      flowText: 'disabled: true'
    })
    return edit ? [edit] : []
  })
}

/** `system.readOnly: "true"` added to the labels in the form the flow writes them (a map or a list). */
function readOnlyLabel(source: string, root: YAMLMap): Edit | undefined {
  const labels = pairOf(root, 'labels')
  const value = labels?.value
  if (isMap(value)) {
    const own = pairOf(value, READ_ONLY_LABEL)
    if (own) return setTrue(own.value)
    return value.items.length === 0 && !value.flow
      ? undefined
      : insertIntoMap(source, value, {
          lines: [READ_ONLY_LINES.map],
          flowText: READ_ONLY_LINES.map
        })
  }
  if (isSeq(value)) {
    const own = value.items.find(
      (item) => isMap(item) && scalarValue(pairOf(item, 'key')?.value) === READ_ONLY_LABEL
    ) as YAMLMap | undefined
    if (own) return setTrue(pairOf(own, 'value')?.value)
    return appendToSeq(source, value, {
      lines: [`key: ${READ_ONLY_LABEL}`, 'value: "true"'],
      flowText: `{key: ${READ_ONLY_LABEL}, value: "true"}`
    })
  }
  if (labels && !(isScalar(value) && value.value === null)) return undefined
  // No labels (or `labels:` with nothing): a labels map right after the namespace.
  if (labels && isScalar(value))
    return { ...replaceScalar(value, '')!, text: ` {${READ_ONLY_LINES.map}}` }
  return insertIntoMap(
    source,
    root,
    {
      lines: ['labels:', `  ${READ_ONLY_LINES.map}`],
      flowText: `labels: {${READ_ONLY_LINES.map}}`
    },
    pairOf(root, 'namespace')
  )
}

function setTrue(node: unknown): Edit | undefined {
  if (!isScalar(node) || String(node.value) === 'true') return undefined
  const range = node.range
  return range
    ? { start: range[0], end: range[1], text: range[0] === range[1] ? ' "true"' : '"true"' }
    : undefined
}

/** Every Pebble expression that names a namespace the mapping rewrites, on its line. */
function pebbleMentions(
  source: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  options: SendOptions
): PebbleMention[] {
  const mentions: PebbleMention[] = []
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !/\{\{|\{%/.test(node.value) || !node.range) return
      const start = node.range[0]
      const text = source.slice(start, node.range[1])
      for (const expression of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
        for (const match of expression[0].matchAll(/[A-Za-z0-9_][A-Za-z0-9_.-]*/g)) {
          const token = match[0].replace(/[.-]+$/, '')
          const mapped = options.mapNamespace(token)
          if (mapped === undefined) continue
          const line = lineCounter.linePos(start + expression.index + match.index).line
          if (!mentions.some((m) => m.line === line && m.namespace === token)) {
            mentions.push({ line, namespace: token, mapped })
          }
        }
      }
    }
  })
  return mentions
}
