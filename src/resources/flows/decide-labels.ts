import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { FlowDocument } from './decide-document.js'
import { FOREACH_ITEM_TYPES, SUBFLOW_TYPES, type TaskTree } from './decide-task-tree.js'

/** Which labels Kestra refuses: the flow's own, and those given to the executions it starts. */

const LABEL_KEY_PATTERN = /^\p{Ll}[\p{L}0-9._-]*$/u
const SYSTEM_PREFIX = 'system.'
const READ_ONLY = 'system.readOnly'

const EXECUTION_LABELS_TYPES = new Set([
  'io.kestra.plugin.core.condition.ExecutionLabels',
  'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
  'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
])

export function labelFindings(document: FlowDocument): Finding[] {
  return labelPairs(document, document.root).flatMap(({ key, node }) => {
    if (key.startsWith(SYSTEM_PREFIX)) {
      if (key === READ_ONLY) return []
      return document.finding(
        'error',
        node,
        'system-label',
        `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`
      )
    }
    if (LABEL_KEY_PATTERN.test(key)) return []
    return document.finding(
      'warning',
      node,
      'label-key',
      `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`
    )
  })
}

/**
 * Labels of triggers, their `ExecutionLabels` conditions, SLAs, and `Subflow`/`ForEachItem` tasks:
 * Kestra's `NoSystemLabelValidator` refuses every `system.` key there, `system.readOnly` included
 * (docs/validation-rules.md).
 */
export function executionLabelFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const places: { owner: Node; where: string }[] = []
  for (const trigger of tree.triggers) {
    const name = `trigger '${trigger.id ?? trigger.path}'`
    places.push({ owner: trigger.map, where: `on ${name}` })
    for (const condition of document.items(document.get(trigger.map, 'conditions')?.value)) {
      const type = document.string(document.get(condition, 'type')?.value) ?? ''
      if (EXECUTION_LABELS_TYPES.has(type)) {
        places.push({ owner: condition, where: `in an ExecutionLabels condition of ${name}` })
      }
    }
  }
  document.items(document.get(document.root, 'sla')?.value).forEach((sla, index) => {
    const id = document.string(document.get(sla, 'id')?.value)
    places.push({ owner: sla, where: `on SLA '${id ?? `sla[${index}]`}'` })
  })
  for (const task of tree.tasks) {
    const type = task.type ?? ''
    const kind = SUBFLOW_TYPES.has(type) ? 'Subflow' : FOREACH_ITEM_TYPES.has(type) && 'ForEachItem'
    if (kind) places.push({ owner: task.map, where: `on ${kind} task '${task.id ?? task.path}'` })
  }
  return places.flatMap(({ owner, where }) =>
    labelPairs(document, owner)
      .filter(({ key }) => key.startsWith(SYSTEM_PREFIX))
      .map(({ key, node }) =>
        document.finding(
          'error',
          node,
          'system-label',
          `Label '${key}' ${where}: Kestra refuses every label starting with '${SYSTEM_PREFIX}' here, ${READ_ONLY} included (only the flow's own labels may carry it). Rename the label`
        )
      )
  )
}

/** As a map or a list of `{key, value}`, each with the node showing its key. */
function labelPairs(document: FlowDocument, owner: unknown): { key: string; node: Node }[] {
  const labels = document.get(owner, 'labels')?.value
  return [
    ...document.entries(labels).map((entry) => ({ key: String(entry.key.value), node: entry.key })),
    ...document.items(labels).flatMap((item) => {
      const keyEntry = document.get(item, 'key')
      const key = document.string(keyEntry?.value)
      return keyEntry && key !== undefined ? [{ key, node: keyEntry.value ?? keyEntry.key }] : []
    })
  ]
}
