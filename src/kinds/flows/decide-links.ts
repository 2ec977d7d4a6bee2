import type { Node, YAMLMap } from 'yaml'
import type { Entry, FlowDocument } from './decide-document.js'
import type { TaskNode, TaskTree } from './decide-task-tree.js'

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
    if (via && names) links.push({ via, ...names, at: task.at, task })
  }
  const upstream = (node: unknown): void => {
    const map = document.map(node)
    const names = map && named(map)
    if (map && names) {
      links.push({ via: 'flow-trigger', ...names, at: names.flowId.key as Node })
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
    for (const item of document.items(document.get(trigger.map, 'dependsOn')?.value)) upstream(item)
  }
  return links
}
