import type { Finding } from '../../model/finding.js'
import { dependencyProblems } from './decide-dependencies.js'
import type { FlowDocument } from './decide-document.js'
import { CORE_FLOWABLE, coreFlowType, type TaskNode, type TaskTree } from './decide-task-tree.js'

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
