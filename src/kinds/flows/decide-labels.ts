import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { FlowDocument } from './decide-document.js'
import { FOREACH_ITEM_TYPES, SUBFLOW_TYPES } from './decide-links.js'
import type { TaskTree } from './decide-task-tree.js'

const LABEL_KEY_PATTERN = /^\p{Ll}[\p{L}0-9._-]*$/u
const SYSTEM_PREFIX = 'system.'
const READ_ONLY = 'system.readOnly'

/** The condition whose `labels` an execution must carry (and its old names). */
const EXECUTION_LABELS_TYPES = new Set([
  'io.kestra.plugin.core.condition.ExecutionLabels',
  'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
  'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
])

/** The flow's own labels: reserved `system.` keys and key format. */
export function labelFindings(document: FlowDocument): Finding[] {
  const findings: Finding[] = []
  for (const { key, node } of labelPairs(document, document.root)) {
    if (key.startsWith(SYSTEM_PREFIX) && key !== READ_ONLY) {
      findings.push(
        document.finding(
          'error',
          node,
          'system-label',
          `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`
        )
      )
    } else if (!key.startsWith(SYSTEM_PREFIX) && !LABEL_KEY_PATTERN.test(key)) {
      findings.push(
        document.finding(
          'warning',
          node,
          'label-key',
          `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`
        )
      )
    }
  }
  return findings
}

/**
 * The labels a flow gives the executions it starts or matches: those of its triggers, of its triggers'
 * `ExecutionLabels` conditions, of its SLAs, and of its `Subflow` and `ForEachItem` tasks. Kestra's
 * `NoSystemLabelValidator` refuses every `system.` key there, `system.readOnly` included
 * (docs/validation-rules.md).
 */
export function executionLabelFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const places: { owner: Node; where: string }[] = []
  for (const trigger of tree.triggers) {
    const name = `trigger '${trigger.id ?? trigger.path}'`
    places.push({ owner: trigger.map, where: `on ${name}` })
    for (const condition of document.items(document.get(trigger.map, 'conditions')?.value)) {
      const type = document.string(document.get(condition, 'type')?.value)
      if (type !== undefined && EXECUTION_LABELS_TYPES.has(type)) {
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
    if (!SUBFLOW_TYPES.has(type) && !FOREACH_ITEM_TYPES.has(type)) continue
    const kind = SUBFLOW_TYPES.has(type) ? 'Subflow' : 'ForEachItem'
    places.push({ owner: task.map, where: `on ${kind} task '${task.id ?? task.path}'` })
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

/** The `labels` of a map, as a map (`key: value`) or a list of `{key, value}`, each with the node that shows its key. */
function labelPairs(document: FlowDocument, owner: unknown): { key: string; node: Node }[] {
  const labels = document.get(owner, 'labels')
  if (!labels) return []
  const pairs: { key: string; node: Node }[] = []
  for (const entry of document.entries(labels.value)) {
    pairs.push({ key: String(entry.key.value), node: entry.key })
  }
  for (const item of document.items(labels.value)) {
    const keyEntry = document.get(item, 'key')
    const key = document.string(keyEntry?.value)
    if (keyEntry && key !== undefined) pairs.push({ key, node: keyEntry.value ?? keyEntry.key })
  }
  return pairs
}
