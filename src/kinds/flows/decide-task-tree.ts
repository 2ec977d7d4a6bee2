import { isAlias } from 'yaml'
import type { Node, Scalar, YAMLMap } from 'yaml'
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
  if (type === undefined) return undefined
  for (const prefix of CORE_FLOW_PREFIXES) {
    if (type.startsWith(prefix)) return type.slice(prefix.length)
  }
  return undefined
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
  tasks: TaskNode[]
  triggers: TaskNode[]
}

/** Walks every task of a flow: top-level lists, listeners, and nested children of flowable tasks. */
export function taskTree(document: FlowDocument): TaskTree {
  const tree: TaskTree = { tasks: [], triggers: [] }
  const root = document.root
  if (!root || !document.aliases.safe) return tree
  for (const entry of document.entries(root)) {
    const key = String(entry.key.value)
    if (key === 'tasks' || key === 'errors' || key === 'finally' || key === 'afterExecution') {
      walkList(document, tree, entry, key, true)
    } else if (key === 'listeners') {
      document.items(entry.value).forEach((listener, index) => {
        const tasks = document.get(listener, 'tasks')
        if (tasks) walkList(document, tree, tasks, `listeners[${index}].tasks`, true)
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

function walkList(
  document: FlowDocument,
  tree: TaskTree,
  entry: Entry,
  path: string,
  strict: boolean,
  owner?: TaskNode,
  via?: Node
): void {
  itemsWithOrigin(document, entry.value).forEach(({ node, via: itemVia }, index) => {
    const map = document.map(node)
    if (!map) return
    const at = via ?? itemVia
    const itemPath = `${path}[${index}]`
    if (isTaskLike(document, map, strict)) {
      visitTask(document, tree, map, at, owner, itemPath)
      return
    }
    // Dag: `tasks: [{ task: {...}, dependsOn: [...] }]`
    const inner = document.get(map, 'task')
    const innerMap = document.map(inner?.value)
    if (inner && innerMap && isTaskLike(document, innerMap, strict)) {
      const innerVia = isAlias(inner.pair.value) ? inner.pair.value : undefined
      visitTask(document, tree, innerMap, at ?? innerVia, owner, `${itemPath}.task`)
    }
  })
}

function visitTask(
  document: FlowDocument,
  tree: TaskTree,
  map: YAMLMap,
  via: Node | undefined,
  parent: TaskNode | undefined,
  path: string
): void {
  const task = describe(document, map, via ?? map, path, parent)
  tree.tasks.push(task)
  const childStrict = CORE_FLOWABLE.has(coreFlowType(task.type) ?? '')
  for (const entry of document.entries(map)) {
    const key = String(entry.key.value)
    const entryVia = via ?? (isAlias(entry.pair.value) ? (entry.pair.value as Node) : undefined)
    if (key === 'cases') {
      for (const caseEntry of document.entries(entry.value)) {
        const caseVia =
          entryVia ?? (isAlias(caseEntry.pair.value) ? (caseEntry.pair.value as Node) : undefined)
        walkList(
          document,
          tree,
          caseEntry,
          `${path}.cases.${String(caseEntry.key.value)}`,
          childStrict,
          task,
          caseVia
        )
      }
    } else if (CHILD_TASK_KEYS.has(key) && document.seq(entry.value)) {
      walkList(document, tree, entry, `${path}.${key}`, childStrict, task, entryVia)
    }
  }
}

function isTaskLike(document: FlowDocument, map: YAMLMap, strict: boolean): boolean {
  const hasId = document.get(map, 'id') !== undefined
  const hasType = document.get(map, 'type') !== undefined
  return strict ? hasId || hasType : hasId && hasType
}

function describe(
  document: FlowDocument,
  map: YAMLMap,
  at: Node,
  path: string,
  parent?: TaskNode
): TaskNode {
  const idEntry = document.get(map, 'id')
  const typeEntry = document.get(map, 'type')
  const id = document.string(idEntry?.value)
  const type = document.string(typeEntry?.value)
  return { map, at, path, parent, id, idEntry, type, typeEntry }
}

function itemsWithOrigin(document: FlowDocument, value: unknown): { node: Node; via?: Node }[] {
  const seq = document.seq(value)
  if (!seq) return []
  const out: { node: Node; via?: Node }[] = []
  for (const item of seq.items) {
    const node = document.resolve(item)
    if (node === undefined) continue
    out.push(isAlias(item) ? { node, via: item } : { node })
  }
  return out
}

/** The node a finding about a task's id should point at: the alias, else the `id` key, else the task. */
export function taskIdNode(task: TaskNode): Node {
  if (task.at !== task.map) return task.at
  return (task.idEntry?.key as Scalar | undefined) ?? task.map
}
