import type { Finding } from '../../model/finding.js'
import { FlowDocument, nodePosition, repeats } from './decide-document.js'
import {
  FLOW_TRIGGER_TYPES,
  flowLinks,
  taskIdNode,
  type TaskNode,
  type TaskTree
} from './decide-task-tree.js'

/** Whether tasks' and triggers' ids and types are well formed and unique, and whether a flow calls itself. */

const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
/** A Java class name (`TaskInterface.type`'s pattern: Java identifiers, so any Unicode letter). */
const TYPE_PATTERN =
  /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*(\.[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*)*$/u
const MAX_TASK_ID = 256

export function taskFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  return [
    ...tree.tasks.flatMap((task) => idAndTypeFindings(document, task, 'task').type),
    ...tree.triggers.flatMap((trigger) => {
      const { id, type } = idAndTypeFindings(document, trigger, 'trigger')
      return [...id, ...type]
    }),
    ...duplicateFindings(document, tree.tasks, 'task'),
    ...duplicateFindings(document, tree.triggers, 'trigger'),
    ...recursiveCallFindings(document, tree),
    ...duplicatePreconditionFindings(document, tree.triggers)
  ]
}

type TaskKind = 'task' | 'trigger'

/**
 * `id`'s `@NotNull` and `@Pattern` are bean validation (a task's own constraints: `constraintFindings`); a missing
 * `type` is Jackson's ("Invalid type: null"), wherever the task stands.
 */
export function idAndTypeFindings(
  document: FlowDocument,
  task: TaskNode,
  kind: TaskKind
): { id: Finding[]; type: Finding[] } {
  const Kind = kind === 'task' ? 'Task' : 'Trigger'
  const id = !task.idEntry
    ? `${Kind} at ${task.path} has no \`id\`: add one`
    : !task.id
      ? `${Kind} at ${task.path} has an empty \`id\`: set one`
      : !TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID
        ? `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`
        : undefined
  const type = !task.typeEntry
    ? `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`
    : task.type === undefined || !TYPE_PATTERN.test(task.type)
      ? `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`
      : undefined
  const typeAt =
    !task.typeEntry || task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key)
  return {
    id: id
      ? [document.finding('error', task.idEntry ? taskIdNode(task) : task.at, `${kind}-id`, id)]
      : [],
    type: type ? [document.finding('error', typeAt, `${kind}-type`, type)] : []
  }
}

function duplicateFindings(
  document: FlowDocument,
  nodes: readonly TaskNode[],
  kind: TaskKind
): Finding[] {
  const offset = (node: TaskNode) => taskIdNode(node).range?.[0] ?? 0
  const byPosition = nodes.filter((node) => node.id).sort((a, b) => offset(a) - offset(b))
  return repeats(byPosition, (node) => node.id).map(([node, first]) =>
    document.finding(
      'error',
      taskIdNode(node),
      `duplicate-${kind}-id`,
      `Duplicate ${kind} id '${node.id}' (first used on line ${nodePosition(document.flow, taskIdNode(first)).line}): ${kind} ids must be unique across the whole flow${kind === 'task' ? ', nested tasks included' : ''}. Rename one`
    )
  )
}

function recursiveCallFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const flowId = document.string(document.get(document.root, 'id')?.value)
  const namespace = document.string(document.get(document.root, 'namespace')?.value)
  if (flowId === undefined || namespace === undefined) return []
  return flowLinks(document, tree).flatMap(({ task, flowId: called, namespace: calledIn }) =>
    task &&
    document.string(called.value) === flowId &&
    document.string(calledIn.value) === namespace
      ? document.finding(
          'error',
          task.at,
          'recursive-subflow',
          `Recursive call to flow [${namespace}.${flowId}]: task '${task.id ?? task.path}' starts the flow it belongs to. Call another flow`
        )
      : []
  )
}

function duplicatePreconditionFindings(
  document: FlowDocument,
  triggers: readonly TaskNode[]
): Finding[] {
  const ids = triggers.flatMap((trigger) => {
    if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type)) return []
    const idEntry = document.get(document.get(trigger.map, 'preconditions')?.value, 'id')
    const id = document.string(idEntry?.value)
    return idEntry && id !== undefined ? [{ id, key: idEntry.key }] : []
  })
  return repeats(ids, ({ id }) => id).map(([{ id, key }]) =>
    document.finding(
      'error',
      key,
      'duplicate-preconditions',
      `Duplicate preconditions id '${id}': another Flow trigger already uses it. Give each trigger's \`preconditions\` its own id`
    )
  )
}
