/**
 * The `warnings` of `POST /flows/validate` (docs/kestra.md#validate-flows): FlowService `warnings` as
 * each era wrote it [S21 core/.../services/FlowService.java v0.17–v0.20; DEV FlowService `warnings`,
 * `checkValidSubflows`]. Kestra computes them once the flow has parsed, before bean validation; the
 * emulator only for flows that pass its checks.
 */
import type { EmulatorCore } from './context.js'
import { aliasReplacement } from './flow-validation.js'
import { isRecord } from './flow-source.js'

const SUBFLOW = 'io.kestra.plugin.core.flow.Subflow'
const FLOW_TRIGGER = 'io.kestra.plugin.core.trigger.Flow'
/** Core tasks that are not RunnableTask (flowable or executable); plugin-blind, so a fixed list. */
const NOT_RUNNABLE = new Set(
  [
    'AllowFailure',
    'Dag',
    'EachParallel',
    'EachSequential',
    'ForEach',
    'ForEachItem',
    'If',
    'LoopUntil',
    'Parallel',
    'Pause',
    'Sequential',
    'Subflow',
    'Switch'
  ].map((name) => `io.kestra.plugin.core.flow.${name}`)
)
const PEBBLE = /\{\{.+}}/

export function flowWarnings(
  core: EmulatorCore,
  tenant: string,
  flow: Record<string, unknown>
): string[] {
  const era = core.features.warnings
  if (era === 'none') return []
  const warnings: string[] = []
  if (era === '1.0') warnings.push(...subflowWarnings(core, tenant, flow))
  if (era === '0.17' && flow.namespace === 'system') {
    warnings.push(
      'The system namespace is reserved for background workflows intended to perform routine tasks such as sending alerts and purging logs. Please use another namespace name.'
    )
  }
  // 2.0 renamed `preconditions` to `dependsOn`, and its warning names the new property (engine 2.0.0: a Flow
  // trigger with `dependsOn` gets no warning; one with neither gets "…adding the dependsOn property…").
  const preconditions = core.features.v2 ? 'dependsOn' : 'preconditions'
  const unconditioned = records(flow.triggers).filter(
    (trigger) =>
      typeOf(trigger) === FLOW_TRIGGER &&
      records(trigger.conditions).length === 0 &&
      (era === '0.17' || era === '0.19' || trigger[preconditions] == null)
  )
  if ((era === '0.17' || era === '0.19') && unconditioned.length > 0) {
    warnings.push(
      'This flow will be triggered for EVERY execution of EVERY flow on your instance. We recommend adding the conditions property to the Flow trigger.'
    )
  } else if (era === '0.20' || era === '1.0') {
    for (const trigger of unconditioned) {
      warnings.push(
        `This flow will be triggered for EVERY execution of EVERY flow on your instance. We recommend adding the ${preconditions} property to the Flow trigger '${String(trigger.id)}'.`
      )
    }
  }
  if (era === '1.0') warnings.push(...runnablePropertyWarnings(flow))
  return warnings
}

/** Only the flow's top-level `tasks` are looked at, as `checkValidSubflows` does. */
function subflowWarnings(
  core: EmulatorCore,
  tenant: string,
  flow: Record<string, unknown>
): string[] {
  return records(flow.tasks).flatMap((task) => {
    if (typeOf(task) !== SUBFLOW) return []
    const { namespace, flowId } = task
    if (typeof namespace !== 'string' || typeof flowId !== 'string') return []
    if (PEBBLE.test(namespace) || PEBBLE.test(flowId)) return []
    const target = core.state.live(tenant, namespace, flowId)
    if (!target) return [`The subflow '${flowId}' not found in namespace '${namespace}'.`]
    if (core.state.parsed(target)?.disabled === true) {
      return [`The subflow '${flowId}' is disabled in namespace '${namespace}'.`]
    }
    return []
  })
}

function runnablePropertyWarnings(flow: Record<string, unknown>): string[] {
  const warnings: string[] = []
  for (const task of allTasks(flow)) {
    const type = typeOf(task)
    if (!NOT_RUNNABLE.has(type)) continue
    const id = String(task.id)
    if (task.timeout != null && type !== 'io.kestra.plugin.core.flow.Pause') {
      warnings.push(
        `The task '${id}' cannot use the 'timeout' property as it's only relevant for runnable tasks.`
      )
    }
    for (const property of ['taskCache', 'workerGroup']) {
      if (task[property] != null) {
        warnings.push(
          `The task '${id}' cannot use the '${property}' property as it's only relevant for runnable tasks.`
        )
      }
    }
  }
  return warnings
}

/** Every task object of the tree (`allTasksWithChilds`), parents first. */
function allTasks(flow: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = []
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk)
    if (!isRecord(value)) return
    if (typeof value.id === 'string' && typeof value.type === 'string') found.push(value)
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'triggers' && typeof child === 'object') walk(child)
    }
  }
  for (const key of ['tasks', 'errors', 'finally', 'afterExecution']) walk(flow[key])
  return found
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

function typeOf(task: Record<string, unknown>): string {
  const type = typeof task.type === 'string' ? task.type : ''
  return aliasReplacement(type) ?? type
}
