import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { nodePosition, type FlowDocument } from './decide-document.js'
import {
  taskIdNode,
  type TaskNode,
  type TaskTree,
  CORE_FLOWABLE,
  coreFlowType
} from './decide-task-tree.js'
import { FLOW_TRIGGER_TYPES, flowLinks } from './decide-links.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import { dependencyProblems } from './decide-inputs.js'

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
  const add = (...args: Parameters<FlowDocument['finding']>) =>
    findings.push(document.finding(...args))
  const Kind = kind === 'task' ? 'Task' : 'Trigger'
  if (!task.idEntry) {
    add('error', task.at, `${kind}-id`, `${Kind} at ${task.path} has no \`id\`: add one`)
  } else if (task.id === undefined || task.id === '') {
    add(
      'error',
      taskIdNode(task),
      `${kind}-id`,
      `${Kind} at ${task.path} has an empty \`id\`: set one`
    )
  } else if (!TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID) {
    add(
      'error',
      taskIdNode(task),
      `${kind}-id`,
      `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`
    )
  }
  if (!task.typeEntry) {
    add(
      'error',
      task.at,
      `${kind}-type`,
      `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`
    )
  } else if (task.type === undefined || !TYPE_PATTERN.test(task.type)) {
    add(
      'error',
      task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key),
      `${kind}-type`,
      `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`
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

/**
 * `TaskDefaultValidator` (0.16) then `PluginDefaultValidator`: a `values` map. Core 1.3.31 run refuses a default
 * without one ("…getValues() is null") and accepts a key of it whose value is null.
 */
const VALUES_CHECKED: KestraVersion = [0, 16, 0]

/**
 * The flow's `pluginDefaults` (or the pre-1.0 `taskDefaults`) entries: each needs a `values` map (a missing
 * `type` is the schema's). Whether the type and properties exist needs the server's plugins.
 */
export function pluginDefaultFindings(document: FlowDocument): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  for (const key of ['pluginDefaults', 'taskDefaults']) {
    document.items(document.get(document.root, key)?.value).forEach((item, index) => {
      const entry = document.map(item)
      if (!entry) return
      const where = `${key}[${index}]`
      const values = document.get(entry, 'values')
      if (!values || document.isNull(values.value)) {
        findings.push(
          document.versioned(
            VALUES_CHECKED,
            'error',
            values?.key ?? item,
            'plugin-default-values',
            `${where} has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`
          )
        )
      }
    })
  }
  return findings
}

/**
 * A plugin's `pluginDefaultsRef` (Kestra 2.0: `FlowPluginDefault.ref`, "apply this default only to
 * plugins that opt in via pluginDefaultsRef") that no `ref` of the flow's `pluginDefaults` names: a
 * warning, since a namespace or instance plugin default may have it. Unresolved, Kestra rejects the flow
 * (core 1.3.31 run: "pluginDefaultsRef: No plugin-defaults exists for pluginDefaultsRef: '…'"), which the server's validation reports.
 */
export function pluginDefaultsRefFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const refs = new Set(
    document
      .items(document.get(document.root, 'pluginDefaults')?.value)
      .map((item) => document.string(document.get(item, 'ref')?.value))
  )
  const findings: Finding[] = []
  const visit = (plugin: unknown) => {
    for (const entry of document.entries(plugin)) {
      if (String(entry.key.value) === 'pluginDefaultsRef') {
        const ref = document.string(entry.value)
        if (ref !== undefined && !refs.has(ref))
          findings.push(unresolved(document, entry.value, ref))
      } else if (document.get(entry.value, 'type')) {
        visit(entry.value) // a plugin inside the plugin: a task runner
      }
    }
  }
  for (const node of [...tree.tasks, ...tree.triggers]) visit(node.map)
  return findings
}

function unresolved(document: FlowDocument, node: Node | undefined, ref: string): Finding {
  return document.finding(
    'warning',
    node,
    'plugin-defaults-ref',
    `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`
  )
}

/**
 * Shapes of Kestra's core flowable tasks that its validators refuse and its schema does not say: Switch without
 * tasks, Dag dependencies, WorkingDirectory children. A missing or empty `tasks` or `then` is the schema's
 * (docs/validation-rules.md#the-schema-of-each-release); core 1.3.31 and 2.0.0 run accept a Switch whose one case
 * or `defaults` is an empty list while another branch has tasks.
 */
export function coreTaskFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  return tree.tasks.flatMap((task) => {
    switch (coreFlowType(task.type)) {
      case 'Switch':
        return switchFindings(document, task)
      case 'Dag':
        return dagFindings(document, task)
      case 'WorkingDirectory':
        return workingDirectoryFindings(document, task, tree)
      default:
        return []
    }
  })
}

function switchFindings(document: FlowDocument, task: TaskNode): Finding[] {
  const cases = document.entries(document.get(task.map, 'cases')?.value)
  const anyCase = cases.some((entry) => document.items(entry.value).length > 0)
  const defaults = document.items(document.get(task.map, 'defaults')?.value).length > 0
  if (anyCase || defaults) return []
  return [
    document.finding(
      'error',
      task.at,
      'switch-no-tasks',
      `Switch '${task.id ?? task.path}' has no task: neither \`cases\` nor \`defaults\` hold any. Add a case or defaults`
    )
  ]
}

function dagFindings(document: FlowDocument, task: TaskNode): Finding[] {
  const findings: Finding[] = []
  const members = document.items(document.get(task.map, 'tasks')?.value).map((item) => ({
    id: document.string(document.get(document.get(item, 'task')?.value, 'id')?.value),
    dependsOn: document.get(item, 'dependsOn')?.value
  }))
  const ids = members.flatMap((m) => (m.id === undefined ? [] : [m.id]))
  const { unknown, cycle } = dependencyProblems(document, members)
  for (const { node, name } of unknown) {
    findings.push(
      document.finding(
        'error',
        node,
        'dag-dependency',
        `Dag '${task.id ?? task.path}': dependsOn names '${name}', which is not a task of this Dag. Use one of: ${ids.join(', ')}`
      )
    )
  }
  if (cycle) {
    findings.push(
      document.finding(
        'error',
        task.at,
        'dag-dependency',
        `Dag '${task.id ?? task.path}' has a dependency cycle: ${cycle.join(' → ')}. Remove one of these dependsOn entries`
      )
    )
  }
  return findings
}

function workingDirectoryFindings(
  document: FlowDocument,
  task: TaskNode,
  tree: TaskTree
): Finding[] {
  const findings: Finding[] = []
  for (const child of tree.tasks) {
    if (child.parent !== task || !child.path.startsWith(`${task.path}.tasks[`)) continue
    const type = coreFlowType(child.type)
    if (type === undefined || !CORE_FLOWABLE.has(type)) continue
    // A Pause with child tasks is flowable; without, whether a given release counts it flowable is not known.
    const certain = type !== 'Pause' || document.get(child.map, 'tasks') !== undefined
    findings.push(
      document.finding(
        certain ? 'error' : 'warning',
        child.at,
        'working-directory-child',
        `WorkingDirectory '${task.id ?? task.path}' may only hold runnable tasks, not the flowable ${type} '${child.id ?? child.path}': move it out of the WorkingDirectory`
      )
    )
  }
  return findings
}
