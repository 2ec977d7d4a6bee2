import { isAlias, type Document, type Node, type Scalar, type YAMLMap } from 'yaml'
import type { Entry, FlowDocument } from './decide-document.js'

/** Properties that hold child tasks in Kestra's flowable tasks (and in the flow itself). */
const CHILD_TASK_KEYS = new Set([
  'tasks',
  'then',
  'else',
  'defaults',
  'errors',
  'finally',
  'afterExecution'
])

const CORE_FLOW_PREFIXES = ['io.kestra.plugin.core.flow.', 'io.kestra.core.tasks.flows.']

/** `Parallel` for `io.kestra.plugin.core.flow.Parallel` or its pre-0.17 alias; undefined for other types. */
export function coreFlowType(type: string | undefined): string | undefined {
  const prefix = CORE_FLOW_PREFIXES.find((prefix) => type?.startsWith(prefix))
  return prefix && type?.slice(prefix.length)
}

/** Core flowable tasks: their child lists are known, so a malformed child is certainly an error. */
export const CORE_FLOWABLE = new Set([
  'Parallel',
  'Sequential',
  'Switch',
  'If',
  'EachSequential',
  'EachParallel',
  'ForEach',
  'Dag',
  'AllowFailure',
  'WorkingDirectory',
  'LoopUntil',
  'Pause'
])

export interface TaskNode {
  map: YAMLMap
  /** Where findings about the task point: the alias it was reached through, else the map. */
  at: Node
  id?: string
  idEntry?: Entry
  type?: string
  typeEntry?: Entry
  parent?: TaskNode
  /** The property path from the flow, e.g. `tasks[2].then[0]`, for messages. */
  path: string
}

export interface TaskTree {
  readonly tasks: readonly TaskNode[]
  readonly triggers: readonly TaskNode[]
}

/**
 * Every task of a flow: top-level lists, listeners, and nested children of flowable tasks. A document is walked
 * once however many rules and rewrite checks read it, as its aliases are found once.
 */
export function taskTree(document: FlowDocument): TaskTree {
  let tree = walked.get(document.doc)
  if (!tree) walked.set(document.doc, (tree = walkTasks(document)))
  return tree
}

const walked = new WeakMap<Document.Parsed, TaskTree>()

function walkTasks(document: FlowDocument): TaskTree {
  const tree = { tasks: [] as TaskNode[], triggers: [] as TaskNode[] }
  const root = document.root
  if (!root || !document.aliases.safe) return tree
  const walkList = (entry: Entry, path: string, strict: boolean, owner?: TaskNode, via?: Node) => {
    itemsWithOrigin(document, entry.value).forEach(({ node, via: itemVia }, index) => {
      const map = document.map(node)
      if (!map) return
      const at = via ?? itemVia
      const itemPath = `${path}[${index}]`
      if (isTaskLike(document, map, strict)) {
        visitTask(map, at, owner, itemPath)
        return
      }
      // Dag: `tasks: [{ task: {...}, dependsOn: [...] }]`
      const inner = document.get(map, 'task')
      const innerMap = document.map(inner?.value)
      if (inner && innerMap && isTaskLike(document, innerMap, strict)) {
        visitTask(innerMap, at ?? aliasOf(inner.pair.value), owner, `${itemPath}.task`)
      }
    })
  }
  const visitTask = (
    map: YAMLMap,
    via: Node | undefined,
    parent: TaskNode | undefined,
    path: string
  ) => {
    const task = describe(document, map, via ?? map, path, parent)
    tree.tasks.push(task)
    const childStrict = CORE_FLOWABLE.has(coreFlowType(task.type) ?? '')
    for (const entry of document.entries(map)) {
      const key = String(entry.key.value)
      const entryVia = via ?? aliasOf(entry.pair.value)
      if (key === 'cases') {
        for (const caseEntry of document.entries(entry.value)) {
          walkList(
            caseEntry,
            `${path}.cases.${String(caseEntry.key.value)}`,
            childStrict,
            task,
            entryVia ?? aliasOf(caseEntry.pair.value)
          )
        }
      } else if (CHILD_TASK_KEYS.has(key) && document.seq(entry.value)) {
        walkList(entry, `${path}.${key}`, childStrict, task, entryVia)
      }
    }
  }
  for (const entry of document.entries(root)) {
    const key = String(entry.key.value)
    if (key === 'tasks' || key === 'errors' || key === 'finally' || key === 'afterExecution') {
      walkList(entry, key, true)
    } else if (key === 'listeners') {
      document.items(entry.value).forEach((listener, index) => {
        const tasks = document.get(listener, 'tasks')
        if (tasks) walkList(tasks, `listeners[${index}].tasks`, true)
      })
    } else if (key === 'triggers') {
      itemsWithOrigin(document, entry.value).forEach(({ node, via }, index) => {
        const map = document.map(node)
        if (map) tree.triggers.push(describe(document, map, via ?? map, `triggers[${index}]`))
      })
    }
  }
  return tree
}

function isTaskLike(document: FlowDocument, map: YAMLMap, strict: boolean): boolean {
  const hasId = document.get(map, 'id') !== undefined
  const hasType = document.get(map, 'type') !== undefined
  return strict ? hasId || hasType : hasId && hasType
}

function describe(document: FlowDocument, map: YAMLMap, at: Node, path: string, parent?: TaskNode) {
  const idEntry = document.get(map, 'id')
  const typeEntry = document.get(map, 'type')
  const id = document.string(idEntry?.value)
  const type = document.string(typeEntry?.value)
  return { map, at, path, parent, id, idEntry, type, typeEntry }
}

function itemsWithOrigin(document: FlowDocument, value: unknown): { node: Node; via?: Node }[] {
  return (document.seq(value)?.items ?? []).flatMap((item) => {
    const node = document.resolve(item)
    return node === undefined ? [] : [{ node, via: aliasOf(item) }]
  })
}

function aliasOf(node: unknown): Node | undefined {
  return isAlias(node) ? node : undefined
}

/**
 * Where Kestra does not check a task's own constraints (bean validation: an id's pattern, a required property, a
 * task validator such as WorkingDirectory's) when it loads the flow, for a task at this path (`TaskNode.path`):
 * under a Switch's `cases` on every release (core 1.3.31 and 2.0.0 run accept a task there that breaks them), and
 * under a Dag's `tasks[].task` on 1.x (core 1.3.31 run accepts it, 2.0.0 refuses it). Jackson's reading (an
 * unknown property, a value of the wrong type) and the flow's own checks (duplicate ids) reach them everywhere.
 */
export function uncheckedAt(path: string): 'switch-case' | 'dag-task' | undefined {
  if (/\.cases\./.test(path)) return 'switch-case'
  return /\]\.task(\.|$)/.test(path) ? 'dag-task' : undefined
}

/** The node a finding about a task's id should point at: the alias, else the `id` key, else the task. */
export function taskIdNode(task: TaskNode): Node {
  if (task.at !== task.map) return task.at
  return (task.idEntry?.key as Scalar | undefined) ?? task.map
}

/**
 * One place a flow names another (docs/impact.md#how-a-flow-names-another). Every reader of calls
 * takes them from `flowLinks`, so a shape is known to all of them or to none.
 */
interface FlowLink {
  via: 'subflow' | 'foreach' | 'flow-trigger'
  namespace: Entry
  flowId: Entry
  /** Where the link is reported: the task (or the alias reaching it), else the `flowId` key. */
  at: Node
  task?: TaskNode
  /**
   * Whether Kestra 2.0's execution-loop check follows it (engine 2.0.0: `FlowService.isUnconditionalSubflowTask`,
   * `isUnconditionalFlowTrigger`, `isUnconditionalDependency`): a Subflow task not `disabled` whose `runIf` is absent
   * or `true`, a `dependsOn` entry whose `when` and its trigger's are absent or `true`, its trigger not `disabled`.
   */
  unconditional: boolean
}

/** With the aliases the core still reads. */
export const SUBFLOW_TYPES = new Set([
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.flows.Subflow',
  'io.kestra.core.tasks.flows.Flow'
])
export const FOREACH_ITEM_TYPES = new Set([
  'io.kestra.plugin.core.flow.ForEachItem',
  'io.kestra.core.tasks.flows.ForEachItem'
])
export const FLOW_TRIGGER_TYPES = new Set([
  'io.kestra.plugin.core.trigger.Flow',
  'io.kestra.core.models.triggers.types.Flow'
])

/**
 * Conditions that name one flow by `namespace` and `flowId` (core 1.3.31's `@Plugin(aliases)` on
 * `ExecutionFlow` and `FlowCondition`). Kestra's own dependency graph (`FlowTopologyService.isTriggerChild`)
 * counts both as the trigger's upstream flow.
 */
const FLOW_CONDITIONS = new Set([
  'io.kestra.plugin.core.condition.ExecutionFlow',
  'io.kestra.plugin.core.condition.ExecutionFlowCondition',
  'io.kestra.core.models.conditions.types.ExecutionFlowCondition',
  'io.kestra.plugin.core.condition.FlowCondition',
  'io.kestra.core.models.conditions.types.FlowCondition'
])

/** Conditions holding other conditions in a map by name (core 1.3.31 `MultipleCondition.conditions`). */
const MAP_CONDITIONS = new Set([
  'io.kestra.plugin.core.condition.MultipleCondition',
  'io.kestra.core.models.conditions.types.MultipleCondition'
])

/**
 * Conditions holding other conditions in a list, any of which lets the trigger fire (core 1.3.31 `Or`).
 * `Not` is left out on purpose: a flow it names is one the trigger ignores, so deleting it breaks nothing.
 */
const LIST_CONDITIONS = new Set([
  'io.kestra.plugin.core.condition.Or',
  'io.kestra.plugin.core.condition.OrCondition',
  'io.kestra.core.models.conditions.types.OrCondition'
])

const MAX_DEPTH = 16

/**
 * Every place the flow names another flow, as each supported release reads it: `Subflow` and
 * `ForEachItem` tasks (and aliases) anywhere in the task tree; `Flow` triggers' 1.3 `conditions`
 * (an `ExecutionFlow` or `FlowCondition`, nested in a `MultipleCondition` map or an `Or` list), 1.3
 * `preconditions.flows` (core 1.3.31 `Flow$UpstreamFlow`) and 2.0 `dependsOn` (core 2.0.0
 * `Flow$Dependency`). Values as written: whether they are literal is the reader's question.
 */
export function flowLinks(document: FlowDocument, tree: TaskTree): FlowLink[] {
  const links: FlowLink[] = []
  const named = (map: YAMLMap): { namespace: Entry; flowId: Entry } | undefined => {
    const namespace = document.get(map, 'namespace')
    const flowId = document.get(map, 'flowId')
    return namespace && flowId ? { namespace, flowId } : undefined
  }
  for (const task of tree.tasks) {
    if (task.type === undefined) continue
    const via = SUBFLOW_TYPES.has(task.type)
      ? 'subflow'
      : FOREACH_ITEM_TYPES.has(task.type)
        ? 'foreach'
        : undefined
    const names = via && named(task.map)
    if (via && names) {
      const unconditional =
        via === 'subflow' &&
        !document.isTrue(task.map, 'disabled') &&
        absentOrTrue(document, task.map, 'runIf')
      links.push({ via, ...names, at: task.at, task, unconditional })
    }
  }
  const upstream = (node: unknown, unconditional = false): void => {
    const map = document.map(node)
    const names = map && named(map)
    if (map && names) {
      const at = names.flowId.key as Node
      links.push({ via: 'flow-trigger', ...names, at, unconditional })
    }
  }

  const condition = (node: unknown, depth: number): void => {
    const map = document.map(node)
    if (!map || depth > MAX_DEPTH) return
    const type = document.string(document.get(map, 'type')?.value)
    if (type === undefined) return
    const inner = document.get(map, 'conditions')?.value
    if (FLOW_CONDITIONS.has(type)) upstream(map)
    else if (MAP_CONDITIONS.has(type)) {
      for (const entry of document.entries(inner)) condition(entry.value, depth + 1)
    } else if (LIST_CONDITIONS.has(type)) {
      for (const item of document.items(inner)) condition(item, depth + 1)
    }
  }
  for (const trigger of tree.triggers) {
    if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type)) continue
    for (const item of document.items(document.get(trigger.map, 'conditions')?.value)) {
      condition(item, 0)
    }
    const preconditions = document.get(trigger.map, 'preconditions')?.value
    for (const item of document.items(document.get(preconditions, 'flows')?.value)) upstream(item)
    const followed =
      !document.isTrue(trigger.map, 'disabled') && absentOrTrue(document, trigger.map, 'when')
    for (const item of document.items(document.get(trigger.map, 'dependsOn')?.value)) {
      const map = document.map(item)
      upstream(item, followed && map !== undefined && absentOrTrue(document, map, 'when'))
    }
  }
  return links
}

/** Absent or `true`: no condition. */
function absentOrTrue(document: FlowDocument, map: YAMLMap, key: string): boolean {
  return document.isNull(document.get(map, key)?.value) || document.isTrue(map, key)
}
