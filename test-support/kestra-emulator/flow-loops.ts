/**
 * Kestra 2.0 refuses to save a flow that closes an execution loop (engine 2.0.0: `FlowService.throwOnCyclicDependency`
 * on create, update, import and validate, once the flow is otherwise valid; 1.3.31's core has no such check). Read
 * with javap from `core-2.0.0.jar`, and asked of the engine (docs/kestra.md#kestras-engine):
 * - the graph is the tenant's latest flows but drafts, the one being saved replaced by its new source;
 * - a Subflow task (its only `ExecutableTask`), at any depth, not `disabled`, whose `runIf` is absent or `true` and
 *   whose namespace and flowId are literal (no `{{`), runs its flow after the caller;
 * - a Flow trigger that is not `disabled`, whose `when` is absent or `true`, runs its flow after each `dependsOn`
 *   entry whose own `when` is absent or `true`;
 * - the loop is found by a depth-first walk from the saved flow back to itself, named `namespace.id` joined by ` → `.
 * The emulator asks it on validate, create and update. Import and the bulk routes, which 2.0's `importFlow` also
 * checks, save without it here: the engine of the tests serves neither, and the action sends neither.
 */
import { isRecord, listOf } from './flow-source.js'
import { flowTasks } from './flow-validation.js'

const SUBFLOW = 'io.kestra.plugin.core.flow.Subflow'
const FLOW_TRIGGER = 'io.kestra.plugin.core.trigger.Flow'

type Flow = Record<string, unknown>

/** The message 2.0 refuses `saved` with, when it closes a loop with `others` (the tenant's other flows). */
export function executionLoop(saved: Flow, others: Iterable<Flow>): string | undefined {
  const root = nameOf(saved)
  const edges = new Map<string, string[]>()
  const add = (from: string, to: string) => {
    const list = edges.get(from) ?? []
    list.push(to)
    edges.set(from, list)
  }
  for (const flow of others) if (nameOf(flow) !== root) addEdges(flow, add)
  addEdges(saved, add)
  if (!edges.get(root)?.length) return undefined
  const path = [root]
  const deadEnds = new Set<string>()
  const onPath = new Set([root])
  const walk = (from: string): boolean => {
    for (const next of edges.get(from) ?? []) {
      if (next === root) {
        path.push(next)
        return true
      }
      if (onPath.has(next) || deadEnds.has(next)) continue
      onPath.add(next)
      path.push(next)
      if (walk(next)) return true
      path.pop()
      onPath.delete(next)
      deadEnds.add(next)
    }
    return false
  }
  if (!walk(root)) return undefined
  return `Cyclic flow dependency detected: ${path.join(' → ')}. Saving this flow would create an execution loop.`
}

function addEdges(flow: Flow, add: (from: string, to: string) => void): void {
  const self = nameOf(flow)
  for (const { task } of flowTasks(flow)) {
    if (task.type !== SUBFLOW || isTrue(task.disabled) || !unconditional(task.runIf)) continue
    const { namespace, flowId } = task
    if (typeof namespace !== 'string' || typeof flowId !== 'string') continue
    if (namespace.includes('{{') || flowId.includes('{{')) continue
    add(self, `${namespace}.${flowId}`)
  }
  for (const trigger of listOf(flow.triggers)) {
    if (trigger.type !== FLOW_TRIGGER || isTrue(trigger.disabled)) continue
    if (!unconditional(trigger.when)) continue
    for (const dependency of listOf(trigger.dependsOn)) {
      if (!isRecord(dependency) || !unconditional(dependency.when)) continue
      const { namespace, flowId } = dependency
      if (typeof namespace === 'string' && typeof flowId === 'string')
        add(`${namespace}.${flowId}`, self)
    }
  }
}

function nameOf(flow: Flow): string {
  return `${String(flow.namespace)}.${String(flow.id)}`
}

/** Absent, or `true` as Kestra reads it (a boolean or its text; an expression such as `{{ true }}` is a condition). */
function unconditional(value: unknown): boolean {
  return value === undefined || value === null || isTrue(value)
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true'
}
