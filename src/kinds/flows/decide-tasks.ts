import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { nodePosition, type FlowDocument } from './decide-document.js'
import { taskIdNode, type TaskNode, type TaskTree } from './decide-task-tree.js'
import { FLOW_TRIGGER_TYPES, flowLinks } from './decide-links.js'

const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
/** A Java class name (`TaskInterface.type`'s pattern: Java identifiers, so any Unicode letter). */
const TYPE_PATTERN =
  /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*(\.[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*)*$/u
const MAX_TASK_ID = 256

/** Ids and types of every task and trigger, duplicates, and recursive subflow calls. */
export function taskFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  return [
    ...tree.tasks.flatMap((task) => idAndTypeFindings(document, task, 'task')),
    ...tree.triggers.flatMap((trigger) => idAndTypeFindings(document, trigger, 'trigger')),
    ...duplicateFindings(document, tree.tasks, 'task'),
    ...duplicateFindings(document, tree.triggers, 'trigger'),
    ...recursiveCallFindings(document, tree),
    ...duplicatePreconditionFindings(document, tree.triggers)
  ]
}

function idAndTypeFindings(
  document: FlowDocument,
  task: TaskNode,
  kind: 'task' | 'trigger'
): Finding[] {
  const findings: Finding[] = []
  const Kind = kind === 'task' ? 'Task' : 'Trigger'
  if (!task.idEntry) {
    findings.push(
      document.finding(
        'error',
        task.at,
        `${kind}-id`,
        `${Kind} at ${task.path} has no \`id\`: add one`
      )
    )
  } else if (task.id === undefined || task.id === '') {
    findings.push(
      document.finding(
        'error',
        taskIdNode(task),
        `${kind}-id`,
        `${Kind} at ${task.path} has an empty \`id\`: set one`
      )
    )
  } else if (!TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID) {
    findings.push(
      document.finding(
        'error',
        taskIdNode(task),
        `${kind}-id`,
        `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`
      )
    )
  }
  if (!task.typeEntry) {
    findings.push(
      document.finding(
        'error',
        task.at,
        `${kind}-type`,
        `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`
      )
    )
  } else if (task.type === undefined || !TYPE_PATTERN.test(task.type)) {
    findings.push(
      document.finding(
        'error',
        task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key),
        `${kind}-type`,
        `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`
      )
    )
  }
  return findings
}

function duplicateFindings(
  document: FlowDocument,
  nodes: TaskNode[],
  kind: 'task' | 'trigger'
): Finding[] {
  const byPosition = nodes
    .filter((node) => node.id !== undefined && node.id !== '')
    .map((node) => ({ node, offset: taskIdNode(node).range?.[0] ?? 0 }))
    .sort((a, b) => a.offset - b.offset)
  const first = new Map<string, TaskNode>()
  const findings: Finding[] = []
  for (const { node } of byPosition) {
    const id = node.id as string
    const previous = first.get(id)
    if (!previous) {
      first.set(id, node)
      continue
    }
    const firstLine = nodePosition(document.flow, taskIdNode(previous)).line
    findings.push(
      document.finding(
        'error',
        taskIdNode(node),
        `duplicate-${kind}-id`,
        `Duplicate ${kind} id '${id}' (first used on line ${firstLine}): ${kind} ids must be unique across the whole flow${kind === 'task' ? ', nested tasks included' : ''}. Rename one`
      )
    )
  }
  return findings
}

function recursiveCallFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const flowId = document.string(document.get(document.root, 'id')?.value)
  const namespace = document.string(document.get(document.root, 'namespace')?.value)
  if (flowId === undefined || namespace === undefined) return []
  return flowLinks(document, tree).flatMap(({ task, flowId: called, namespace: calledIn }) =>
    task &&
    document.string(called.value) === flowId &&
    document.string(calledIn.value) === namespace
      ? [
          document.finding(
            'error',
            task.at,
            'recursive-subflow',
            `Recursive call to flow [${namespace}.${flowId}]: task '${task.id ?? task.path}' starts the flow it belongs to. Call another flow`
          )
        ]
      : []
  )
}

function duplicatePreconditionFindings(document: FlowDocument, triggers: TaskNode[]): Finding[] {
  const seen = new Set<string>()
  const findings: Finding[] = []
  for (const trigger of triggers) {
    if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type)) continue
    const idEntry = document.get(document.get(trigger.map, 'preconditions')?.value, 'id')
    const id = document.string(idEntry?.value)
    if (!idEntry || id === undefined) continue
    if (seen.has(id)) {
      findings.push(
        document.finding(
          'error',
          idEntry.key as Node,
          'duplicate-preconditions',
          `Duplicate preconditions id '${id}': another Flow trigger already uses it. Give each trigger's \`preconditions\` its own id`
        )
      )
    }
    seen.add(id)
  }
  return findings
}
