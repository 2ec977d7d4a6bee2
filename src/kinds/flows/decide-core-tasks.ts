import type { Finding } from '../../model/finding.js'
import { dependencyProblems } from './decide-dependencies.js'
import type { FlowDocument } from './decide-document.js'
import { CORE_FLOWABLE, coreFlowType, type TaskNode, type TaskTree } from './decide-task-tree.js'

/** Core flowable tasks whose `tasks` list must hold at least one task. */
const NEEDS_TASKS = new Set([
  'Parallel',
  'Sequential',
  'EachSequential',
  'EachParallel',
  'ForEach',
  'WorkingDirectory',
  'AllowFailure',
  'Dag',
  'LoopUntil'
])

/**
 * Shapes of Kestra's core flowable tasks that fail without any plugin: empty or missing child lists,
 * Switch without branches, Dag dependencies, WorkingDirectory children. An If's `condition` and `then` are
 * its schema's (docs/validation-rules.md#the-schema-of-each-release: 1.3.31 takes an If without condition).
 */
export function coreTaskFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  return [
    ...emptyListFindings(document, tree),
    ...tree.tasks.flatMap((task) => {
      switch (coreFlowType(task.type)) {
        case 'Switch':
          return switchFindings(document, task)
        case 'Dag':
          return dagFindings(document, task)
        case 'WorkingDirectory':
          return workingDirectoryFindings(document, task, tree)
        default:
          return missingListFindings(document, task)
      }
    })
  ]
}

function emptyListFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const findings: Finding[] = []
  for (const list of tree.lists) {
    if (document.items(list.entry.value).length > 0) continue
    const key = String(list.entry.key.value)
    const owner = list.owner
    const type = coreFlowType(owner?.type)
    const required =
      owner === undefined
        ? list.path.startsWith('listeners[')
        : (key === 'tasks' && NEEDS_TASKS.has(type ?? '')) ||
          (key === 'then' && type === 'If') ||
          (type === 'Switch' &&
            (list.path.includes('.cases.') || key === 'defaults') &&
            !document.isNull(list.entry.value))
    if (!required) continue
    findings.push(
      document.finding(
        'error',
        list.entry.key,
        'empty-tasks',
        `\`${list.path}\` must not be empty: add at least one task${owner === undefined ? '' : ' or remove the branch'}`
      )
    )
  }
  return findings
}

function missingListFindings(document: FlowDocument, task: TaskNode): Finding[] {
  const type = coreFlowType(task.type)
  if (!NEEDS_TASKS.has(type ?? '') || document.get(task.map, 'tasks')) return []
  return [
    document.finding(
      'error',
      task.at,
      'empty-tasks',
      `${type} task '${task.id ?? task.path}' has no \`tasks\`: add the tasks it runs`
    )
  ]
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
  const findings = missingListFindings(document, task)
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
  const findings = missingListFindings(document, task)
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
