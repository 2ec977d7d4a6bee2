import { isMap, isScalar, isSeq, visit, type Node, type YAMLMap } from 'yaml'
import {
  column,
  contentEnd,
  endOfLine,
  escape,
  FlowDocument,
  insertIntoMap,
  replaceScalar,
  type Edit,
  type Entry
} from './decide-document.js'
import { aliasTarget, inputTypeEntries, REMOVED_TASKS } from './decide-kestra2-removals.js'
import { flowTypes } from './decide-schema-releases.js'
import type { FlowFile } from '../../model/repository.js'
import {
  coreFlowType,
  FLOW_TRIGGER_TYPES,
  taskTree,
  type TaskNode,
  type TaskTree
} from './decide-task-tree.js'

/**
 * The mechanical rewrites for Kestra 2.0 (docs/upgrade.md): each construct's edits of the user's text, as one group
 * that stands or falls alone.
 */

/** Each construct's rewrite, as one group of edits that stands or falls alone. */
export function rewriteGroups(document: FlowDocument): Edit[][] {
  const tree = taskTree(document)
  const groups: (Edit[] | undefined)[] = [
    ...[...tree.tasks, ...tree.triggers].map((node) => aliasEdit(node)),
    ...inputTypeEdits(document, tree),
    ...renamedKeyEdits(document, tree),
    ...tree.tasks.map((task) => allowFailedEdits(document, task)),
    ...tree.tasks.map((task) => loopEdits(document, tree, task)),
    ...tree.triggers.map((trigger) => conditionEdits(document, trigger)),
    pluginDefaultEdits(document, tree)
  ]
  return groups.filter((group): group is Edit[] => group !== undefined && group.length > 0)
}

/** A pre-0.17 name → the class it names, when 2.0 still has that class (1.3.34's `@Plugin` aliases). */
function aliasEdit(node: TaskNode): Edit[] | undefined {
  const target = node.type === undefined ? undefined : aliasTarget(node.type)
  const scalar = node.typeEntry?.value
  if (target === undefined || Object.hasOwn(REMOVED_TASKS, target) || !isScalar(scalar)) {
    return undefined
  }
  const edit = replaceScalar(scalar, target)
  return edit && [edit]
}

/** The input types 2.0.0's `Type` enum dropped, and those that replace them with the same meaning. */
const INPUT_TYPES: Readonly<Record<string, string>> = { BOOLEAN: 'BOOL', ENUM: 'SELECT' }

function inputTypeEdits(document: FlowDocument, tree: TaskTree): Edit[][] {
  return inputTypeEntries(document, tree).flatMap(({ entry }) => {
    const type = document.string(entry?.value) ?? ''
    if (!entry || !isScalar(entry.value) || !Object.hasOwn(INPUT_TYPES, type)) return []
    const edit = replaceScalar(entry.value, INPUT_TYPES[type] as string)
    return edit ? [[edit]] : []
  })
}

/**
 * Properties 2.0 dropped whose 1.3 name was already an alias of a kept one: a Pause's `delay`
 * (`pauseDuration`, 1.3.31's deprecation) and a retry's `maxAttempt` (`maxAttempts`). The key is renamed
 * unless the other is set too.
 */
function renamedKeyEdits(document: FlowDocument, tree: TaskTree): Edit[][] {
  const rename = (owner: Node | undefined, from: string, to: string): Edit[][] => {
    const entry = document.get(owner, from)
    if (!entry || document.get(owner, to)) return []
    const edit = replaceScalar(entry.key, to)
    return edit ? [[edit]] : []
  }
  const retries = [document.root, ...tree.tasks.map((task) => task.map)].map(
    (owner) => document.get(owner, 'retry')?.value
  )
  return [
    ...tree.tasks
      .filter((task) => coreFlowType(task.type) === 'Pause')
      .flatMap((task) => rename(task.map, 'delay', 'pauseDuration')),
    ...retries.flatMap((retry) => rename(retry, 'maxAttempt', 'maxAttempts'))
  ]
}

/** The HTTP tasks whose `allowFailed` 2.0.0 keeps only under `options` (1.3.31 has both, the first deprecated). */
const HTTP_TASKS = new Set([
  ...['Request', 'Download', 'SseRequest'].map((name) => `io.kestra.plugin.core.http.${name}`),
  // The aliases both releases' `@Plugin` give the first two.
  ...['Request', 'Download'].map((name) => `io.kestra.plugin.fs.http.${name}`)
])

/**
 * An HTTP task's `allowFailed` → `options.allowFailed`, where 2.0.0's `HttpConfiguration` keeps it: into the
 * task's `options` map, or as a new one. Left to a person when `options` sets it too, or is not a map.
 */
function allowFailedEdits(document: FlowDocument, task: TaskNode): Edit[] | undefined {
  const type = task.type === undefined ? undefined : (aliasTarget(task.type) ?? task.type)
  const entry = document.get(task.map, 'allowFailed')
  if (type === undefined || !HTTP_TASKS.has(type) || !entry || task.map.flow) return undefined
  const source = document.flow.source
  const range = entry.value?.range
  const value = range && source.slice(range[0], range[1])
  if (!isScalar(entry.value) || !value || value.includes('\n')) return undefined
  const options = document.get(task.map, 'options')
  const keyColumn = column(source, entry.key.range?.[0] ?? 0)
  if (!options) {
    return [replacePair(source, entry, ['options:', `  allowFailed: ${value}`], keyColumn)]
  }
  const map = document.map(options.value)
  if (!map || document.get(map, 'allowFailed')) return undefined
  const moved = insertIntoMap(source, map, {
    lines: [`allowFailed: ${value}`],
    flowText: `allowFailed: ${value}`
  })
  return moved && [removePair(source, entry), moved]
}

const FOREACH = 'io.kestra.plugin.core.flow.ForEach'
const LOOP = 'io.kestra.plugin.core.flow.Loop'
/** The types whose children read an iteration's value: a loop inside the loop is left to a person. */
const LOOPS = new Set([
  FOREACH,
  LOOP,
  'io.kestra.plugin.core.flow.ForEachItem',
  'io.kestra.plugin.core.flow.EachSequential',
  'io.kestra.plugin.core.flow.EachParallel',
  'io.kestra.plugin.core.flow.LoopUntil'
])
/** What a ForEach may hold for its rewrite to be a type change: Loop (2.0.0's class) has each of these. */
const LOOP_KEYS = new Set([
  'id',
  'type',
  'description',
  'values',
  'concurrencyLimit',
  'tasks',
  'errors',
  'finally',
  'disabled',
  'timeout',
  'retry',
  'logLevel',
  'logToFile',
  'allowFailure',
  'allowWarning',
  'runIf'
])

/**
 * ForEach → Loop (the migration guide's foreach-loop page): the type, and the iteration's value in the
 * children's expressions, `taskrun.value` of a child and `parent.taskrun.value` of a grandchild becoming
 * `item.value`, `taskrun.iteration` becoming `item.index`. Both default `concurrencyLimit` to 1 (the
 * 1.3.31 and 2.0.0 classes). Anything else reading the iteration (deeper `parent`s, a child's outputs,
 * which a Loop keeps inside each iteration, a loop inside) leaves the ForEach to a person.
 */
function loopEdits(document: FlowDocument, tree: TaskTree, loop: TaskNode): Edit[] | undefined {
  const type = loop.type === undefined ? undefined : (aliasTarget(loop.type) ?? loop.type)
  const typeScalar = loop.typeEntry?.value
  if (type !== FOREACH || !isScalar(typeScalar)) return undefined
  if (document.entries(loop.map).some((entry) => !LOOP_KEYS.has(String(entry.key.value)))) {
    return undefined
  }
  const inside = tree.tasks.filter((task) => depthUnder(task, loop) > 0)
  if (inside.some((task) => LOOPS.has(aliasTarget(task.type ?? '') ?? task.type ?? ''))) {
    return undefined
  }
  const source = document.flow.source
  const readsOutputs = (id: string) =>
    new RegExp(`outputs\\s*(\\.\\s*${escape(id)}\\b|\\[\\s*['"]${escape(id)}['"])`).test(source)
  if (inside.some((task) => task.id !== undefined && readsOutputs(task.id))) return undefined
  const taskMaps = new Set<Node>(tree.tasks.map((task) => task.map))
  const edits: Edit[] = []
  for (const task of inside) {
    const depth = depthUnder(task, loop)
    for (const scalar of ownScalars(task.map, taskMaps)) {
      const range = scalar.range
      if (!range) continue
      const text = source.slice(range[0], range[1])
      const rewritten = iterationExpressions(text, depth)
      if (rewritten === undefined) return undefined
      if (rewritten !== text) edits.push({ start: range[0], end: range[1], text: rewritten })
    }
  }
  const typeEdit = replaceScalar(typeScalar, LOOP)
  return typeEdit && [typeEdit, ...edits]
}

/** How many task levels `task` is below `ancestor` (0 when it is not under it). */
function depthUnder(task: TaskNode, ancestor: TaskNode): number {
  let depth = 0
  for (let node = task.parent; node; node = node.parent) {
    depth++
    if (node === ancestor) return depth
  }
  return 0
}

/** The scalars a task's map holds, without those of the tasks inside it. */
function ownScalars(map: YAMLMap, taskMaps: Set<Node>): Node[] {
  const scalars: Node[] = []
  visit(map, {
    Map(_key, node) {
      if (node !== map && taskMaps.has(node)) return visit.SKIP
      return undefined
    },
    Scalar(_key, node) {
      scalars.push(node)
    }
  })
  return scalars
}

/** A child's text with ForEach's iteration variables as Loop names them, or undefined when it cannot tell. */
function iterationExpressions(text: string, depth: number): string | undefined {
  if (!/taskrun|parent/.test(text)) return text
  if (depth === 1) {
    if (/(?<![\w.])parents?\b/.test(text)) return undefined
    return text
      .replace(/(?<![\w.])taskrun\.value\b/g, 'item.value')
      .replace(/(?<![\w.])taskrun\.iteration\b/g, 'item.index')
  }
  if (depth === 2) {
    const rewritten = text.replace(/(?<![\w.])parent\.taskrun\.value\b/g, 'item.value')
    if (/(?<![\w.])(taskrun\.(value|iteration)|parents?\b)/.test(rewritten)) return undefined
    return rewritten
  }
  return /(?<![\w.])(taskrun\.(value|iteration)|parents?\b)/.test(text) ? undefined : text
}

/**
 * A condition's type by its short name (`ExecutionFlow` for
 * `io.kestra.core.models.conditions.types.ExecutionFlowCondition`), and whether it holds no key but `type`
 * and those `allowed`.
 */
function conditionOf(document: FlowDocument, condition: Node) {
  const keys = document.entries(condition).map((entry) => String(entry.key.value))
  const match =
    /^(?:io\.kestra\.plugin\.core\.condition\.|io\.kestra\.core\.models\.conditions\.types\.)(\w+?)(?:Condition)?$/.exec(
      document.string(document.get(condition, 'type')?.value) ?? ''
    )
  return {
    name: match?.[1],
    only: (...allowed: string[]) => keys.every((key) => ['type', ...allowed].includes(key))
  }
}

/**
 * A trigger's `conditions` → what 2.0's trigger takes (the migration guide's trigger-conditions-redesign
 * page): on a Flow trigger, one `ExecutionFlow` or `ExecutionNamespace` with one `ExecutionStatus` becomes
 * one `dependsOn` entry (2.0.0's `Flow.Dependency`: namespace, flowId, states); on any other trigger,
 * `Expression`, `Weekend`, `DayWeek` and their `Not` become one `when` expression, with the Pebble
 * functions 2.0.0's core registers (`isWeekend`, `dayOfWeek`). An empty list is removed.
 */
function conditionEdits(document: FlowDocument, trigger: TaskNode): Edit[] | undefined {
  const entry = document.get(trigger.map, 'conditions')
  if (!entry || trigger.map.flow) return undefined
  const source = document.flow.source
  const conditions = document.items(entry.value)
  if (conditions.length === 0) return [removePair(source, entry)]
  const keyColumn = column(source, entry.key.range?.[0] ?? 0)
  if (FLOW_TRIGGER_TYPES.has(trigger.type ?? '')) {
    if (document.get(trigger.map, 'dependsOn') || document.get(trigger.map, 'states')) {
      return undefined
    }
    const lines = dependsOnLines(document, conditions)
    return lines && [replacePair(source, entry, lines, keyColumn)]
  }
  if (document.get(trigger.map, 'when')) return undefined
  const expressions = conditions.map((condition) => whenExpression(document, condition))
  if (expressions.some((expression) => expression === undefined)) return undefined
  const joined =
    expressions.length === 1
      ? (expressions[0] as string)
      : expressions.map((expression) => `(${expression as string})`).join(' and ')
  return [replacePair(source, entry, [`when: ${JSON.stringify(`{{ ${joined} }}`)}`], keyColumn)]
}

/** A schedule condition as a Pebble expression (no braces), or undefined when it has no exact one. */
function whenExpression(document: FlowDocument, condition: Node): string | undefined {
  const { name, only } = conditionOf(document, condition)
  if (name === 'Expression' && only('expression')) {
    const text = document.string(document.get(condition, 'expression')?.value)
    const inner = text === undefined ? undefined : /^\s*\{\{([^]*)\}\}\s*$/.exec(text)?.[1]
    return inner === undefined || /\{\{|\}\}|\{%/.test(inner) ? undefined : inner.trim()
  }
  if (name === 'Weekend' && only()) return 'isWeekend(trigger.date)'
  if (name === 'DayWeek' && only('dayOfWeek')) {
    const day = document.string(document.get(condition, 'dayOfWeek')?.value)
    return day && /^[A-Z]+DAY$/.test(day) ? `dayOfWeek(trigger.date) == '${day}'` : undefined
  }
  if (name === 'Not' && only('conditions')) {
    const inner = document.items(document.get(condition, 'conditions')?.value)
    const parts = inner.map((item) => whenExpression(document, item))
    if (parts.length === 0 || parts.some((part) => part === undefined)) return undefined
    // Kestra's Not holds when none of its conditions does.
    return `not (${parts.join(') or (')})`
  }
  return undefined
}

/** One `dependsOn` entry from a Flow trigger's conditions, or undefined when they are not that shape. */
function dependsOnLines(document: FlowDocument, conditions: Node[]): string[] | undefined {
  let target: { namespace?: string; flowId?: string } | undefined
  let states: string[] | undefined
  for (const condition of conditions) {
    const { name, only } = conditionOf(document, condition)
    const text = (key: string) => plainText(document, document.get(condition, key)?.value)
    if (name === 'ExecutionFlow' && only('namespace', 'flowId') && !target) {
      const [namespace, flowId] = [text('namespace'), text('flowId')]
      if (namespace === undefined || flowId === undefined) return undefined
      target = { namespace, flowId }
    } else if (name === 'ExecutionNamespace' && only('namespace') && !target) {
      const namespace = text('namespace')
      if (namespace === undefined) return undefined
      target = { namespace }
    } else if (name === 'ExecutionStatus' && only('in') && !states) {
      states = document
        .items(document.get(condition, 'in')?.value)
        .map((item) => document.string(item) ?? '')
      if (states.length === 0 || states.some((state) => !/^[A-Z_]+$/.test(state))) return undefined
    } else {
      return undefined
    }
  }
  // Without an ExecutionStatus the 1.x trigger fired on every end state, and a 2.0 entry's default is not that.
  if (!target || !states) return undefined
  return [
    'dependsOn:',
    `  - namespace: ${target.namespace as string}`,
    ...(target.flowId === undefined ? [] : [`    flowId: ${target.flowId}`]),
    `    states: [${states.join(', ')}]`
  ]
}

/** A one-line plain or quoted scalar as the user wrote it (no Pebble), else undefined. */
function plainText(document: FlowDocument, node: Node | undefined): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined
  const text = document.flow.source.slice(node.range[0], node.range[1])
  if (/\n|\{\{|\{%/.test(text)) return undefined
  return node.type === 'PLAIN' ? text : JSON.stringify(node.value)
}

/** The comments on lines of their own in `[start, end)`: a rewrite keeps them. */
function ownLineComments(source: string, start: number, end: number): string[] {
  return source
    .slice(start, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('#'))
}

/** The pair's lines replaced by `lines`, written at the pair's column, after the comments they held. */
function replacePair(source: string, entry: Entry, lines: string[], keyColumn: number): Edit {
  const start = entry.key.range?.[0] ?? 0
  const end = contentEnd(entry.pair.value) ?? entry.key.range?.[1] ?? start
  const indent = ' '.repeat(keyColumn)
  const kept = ownLineComments(source, start, end).map((comment) => `${comment}\n${indent}`)
  const text = lines.map((line, i) => (i === 0 ? line : `${indent}${line}`)).join('\n')
  return { start, end, text: kept.join('') + text }
}

/** The pair's lines removed, with their line break; the comments on lines of their own stay. */
function removePair(source: string, entry: Entry): Edit {
  const keyStart = entry.key.range?.[0] ?? 0
  const start = keyStart - column(source, keyStart)
  let end = Math.min(source.length, endOfLine(source, contentEnd(entry.pair.value) ?? start) + 1)
  const indent = ' '.repeat(keyStart - start)
  const kept = ownLineComments(source, start, end).map((comment) => `${indent}${comment}\n`)
  // Between two blank lines, one of them goes too.
  if (kept.length === 0 && source.slice(start - 2, start) === '\n\n' && source[end] === '\n') end++
  return { start, end, text: kept.join('') }
}

/**
 * The flow's `pluginDefaults` (or `taskDefaults`) set on the tasks themselves, then removed: what the
 * migration guide's plugin-defaults-removed page says an OSS flow does. Only where the result is certain:
 * each default names a type exactly (no prefix, alias or condition that it could also reach), its
 * values are a block map, and a task that already sets a key keeps it unless either value is a
 * collection (1.x merges those) or the default is `forced` (then it is left to a person).
 */
function pluginDefaultEdits(document: FlowDocument, tree: TaskTree): Edit[] | undefined {
  const root = document.root
  const entries = ['pluginDefaults', 'taskDefaults'].flatMap((key) => document.get(root, key) ?? [])
  if (entries.length === 0 || !root) return undefined
  const source = document.flow.source
  const plugins = [...tree.tasks, ...tree.triggers]
  const typedMaps = new Set<Node>(plugins.map((node) => node.map))
  const everyType: { map: YAMLMap; type: string }[] = []
  visit(document.doc, {
    Map(_key, map) {
      const type = document.string(document.get(map, 'type')?.value)
      if (type !== undefined) everyType.push({ map, type })
    }
  })
  const additions = new Map<TaskNode, string[]>()
  for (const entry of entries) {
    for (const item of document.items(entry.value)) {
      const keys = document.entries(item).map((pair) => String(pair.key.value))
      if (!keys.every((key) => ['type', 'values', 'forced'].includes(key))) return undefined
      const type = document.string(document.get(item, 'type')?.value)
      const forcedText = document.string(document.get(item, 'forced')?.value)
      const forced = forcedText === 'true'
      if (forcedText !== undefined && forcedText !== 'false' && !forced) return undefined
      const values = document.map(document.get(item, 'values')?.value)
      if (type === undefined || !values || values.flow) return undefined
      for (const other of everyType) {
        if (other.map === values || other.map === item) continue
        const reached = other.type === type || other.type.startsWith(`${type}.`)
        const exact = other.type === type && typedMaps.has(other.map)
        const aliased = aliasTarget(other.type) === type
        if ((reached && !exact) || aliased) return undefined
      }
      for (const plugin of plugins.filter((node) => node.type === type)) {
        if (plugin.map.flow) return undefined
        for (const value of document.entries(values)) {
          const key = String(value.key.value)
          const own = document.get(plugin.map, key)
          if (own) {
            if (forced || !isScalar(own.value) || isMap(value.value) || isSeq(value.value)) {
              return undefined
            }
            continue
          }
          const lines = pairLines(source, value)
          if (!lines) return undefined
          additions.set(plugin, [...(additions.get(plugin) ?? []), ...lines])
        }
      }
    }
  }
  const edits: Edit[] = entries.map((entry) => removePair(source, entry))
  for (const [plugin, lines] of additions) {
    const edit = insertIntoMap(source, plugin.map, { lines, flowText: '' })
    if (!edit) return undefined
    edits.push(edit)
  }
  return edits
}

/** A pair's source lines, re-indented from its key's column to 0, or undefined when that would cut text. */
function pairLines(source: string, entry: Entry): string[] | undefined {
  const start = entry.key.range?.[0]
  const end = contentEnd(entry.pair.value)
  if (start === undefined || end === undefined) return undefined
  const keyColumn = column(source, start)
  const lines = source.slice(start, endOfLine(source, end)).split('\n')
  const rest = lines.slice(1)
  if (rest.some((line) => line.trim() !== '' && !line.startsWith(' '.repeat(keyColumn)))) {
    return undefined
  }
  return [lines[0] as string, ...rest.map((line) => line.slice(keyColumn))]
}

/**
 * The types validating these flow files takes the validators of (`loadFlowValidators`): those they name, and with
 * `upgrade` those their rewrites write in their place, which an upgrade validates too (`upgradeFlow`). A rewrite
 * that writes a type from elsewhere adds it here, or the validation of the rewritten text says it is not loaded.
 */
export function validatedTypes(flows: Iterable<FlowFile>, upgrade: boolean): Set<string> {
  const types = flowTypes([...flows].map((flow) => flow.documents[0]))
  if (!upgrade) return types
  for (const type of [...types]) {
    const named = aliasTarget(type) ?? type
    types.add(named)
    if (named === FOREACH) types.add(LOOP)
    if (Object.hasOwn(INPUT_TYPES, type)) types.add(INPUT_TYPES[type]!)
  }
  return types
}
