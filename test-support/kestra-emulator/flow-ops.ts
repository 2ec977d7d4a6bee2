/**
 * Flow persistence rules shared by the flow routes and the namespace-file zip import
 * (docs/kestra.md#flows).
 */
import type { EmulatorCore } from './context.js'
import { ApiError, invalidEntity, notFound, type EmbeddedError } from './errors.js'
import { flowJson, sameSource } from './flow-source.js'
import { executionLoop } from './flow-loops.js'
import { checkFlow, type FlowCheck, type Violation } from './flow-validation.js'
import type { FlowRevision } from './store.js'

export interface SavedFlow {
  namespace: string
  id: string
  flow: FlowRevision
}

/**
 * Valid verdicts are remembered by source without surrounding newlines (validate's document split
 * leaves some); failures are never reused, their messages may carry positions.
 */
export function check(core: EmulatorCore, source: string): FlowCheck {
  const key = source.replace(/^\n+|\n+$/g, '')
  const known = core.checks.get(key)
  if (known) return known
  const { features } = core
  const result = checkFlow(source, {
    removedKeys: features.v2,
    taskDefaultsDeprecated: features.taskDefaultsDeprecated,
    inputs: {
      defaultsRules: features.inputDefaultsRules,
      duplicates: features.inputDuplicates,
      dependencyGraph: features.inputGraph,
      forms: features.forms,
      triggerInputs: features.v2
    },
    pluginDefaultsRefs: features.pluginDefaultsRefs,
    systemLabels: features.systemLabels,
    reservedFlowIds: features.v1 && !features.v2,
    timezoneIds: features.timezoneIds,
    releasedTwoTypes: features.v2,
    knownTypes: core.options.knownTypes
  })
  if (!result.failure) core.checks.set(key, result)
  return result
}

/** Throws Kestra's 422 when the source is invalid; returns its id and namespace otherwise. */
export function validOrThrow(
  core: EmulatorCore,
  source: string
): { id: string; namespace: string } {
  const result = check(core, source)
  if (result.failure)
    throw invalidEntity(result.failure.message, embedded(result.failure.violations))
  return { id: String(result.parsed!.id), namespace: String(result.parsed!.namespace) }
}

export function embedded(violations: Violation[]): EmbeddedError[] {
  return violations.map((v) => ({ message: v.message, path: v.path }))
}

/**
 * 2.0's refusal of a valid flow that closes an execution loop with the tenant's other flows (flow-loops.ts): on
 * validate the message, on a save a 422 on `flow`.
 */
export function loopMessage(
  core: EmulatorCore,
  tenant: string,
  parsed: Record<string, unknown>
): string | undefined {
  if (!core.features.v2) return undefined
  const others = core.state
    .flowNamespaces(tenant)
    .flatMap((namespace) => core.state.liveFlowsOf(tenant, namespace))
    .filter(({ flow }) => !flow.draft)
    .flatMap(({ flow }) => {
      const parsed = core.state.parsed(flow)
      return parsed ? [parsed] : []
    })
  return executionLoop(parsed, others)
}

function refuseLoop(core: EmulatorCore, tenant: string, source: string): void {
  const message = loopMessage(core, tenant, check(core, source).parsed!)
  if (message) throw invalidEntity(`flow: ${message}`, [{ message, path: 'flow' }])
}

export function createFlow(core: EmulatorCore, tenant: string, source: string): SavedFlow {
  const { id, namespace } = validOrThrow(core, source)
  refuseLoop(core, tenant, source)
  if (core.state.live(tenant, namespace, id)) throw alreadyExists(core, 'flow')
  return { namespace, id, flow: core.state.appendFlow(tenant, namespace, id, source, false) }
}

export function updateFlow(
  core: EmulatorCore,
  tenant: string,
  namespace: string,
  id: string,
  source: string
): SavedFlow {
  const current = core.state.live(tenant, namespace, id)
  if (!current) throw notFound()
  const result = check(core, source)
  if (result.parsed) {
    const changes: Violation[] = []
    if (result.parsed.id !== id) {
      changes.push({ message: 'Illegal flow id update', path: 'flow.id', idPath: 'flow.id' })
    }
    if (result.parsed.namespace !== namespace) {
      changes.push({
        message: 'Illegal namespace update',
        path: 'flow.namespace',
        idPath: 'flow.namespace'
      })
    }
    if (changes.length > 0) {
      throw invalidEntity(
        changes.map((v) => `${v.path}: ${v.message}`).join(', '),
        embedded(changes)
      )
    }
  }
  if (result.failure)
    throw invalidEntity(result.failure.message, embedded(result.failure.violations))
  refuseLoop(core, tenant, source)
  return { namespace, id, flow: save(core, tenant, namespace, id, source, current) }
}

/** Create-or-update as import, bulk and zip `_flows/` do; unchanged sources keep their revision. */
export function upsertFlow(core: EmulatorCore, tenant: string, source: string): SavedFlow {
  const { id, namespace } = validOrThrow(core, source)
  const current = core.state.live(tenant, namespace, id)
  return { namespace, id, flow: save(core, tenant, namespace, id, source, current) }
}

export function deleteFlow(
  core: EmulatorCore,
  tenant: string,
  namespace: string,
  id: string
): SavedFlow {
  const current = core.state.live(tenant, namespace, id)
  if (!current) throw notFound()
  return { namespace, id, flow: core.state.appendFlow(tenant, namespace, id, current.source, true) }
}

function save(
  core: EmulatorCore,
  tenant: string,
  namespace: string,
  id: string,
  source: string,
  current: FlowRevision | undefined
): FlowRevision {
  if (current && sameSource(current.source, source)) return current
  return core.state.appendFlow(tenant, namespace, id, source, false)
}

/** ≤ 1.3: 422 `<entity>.id: … already exists`; 2.0 (problem bodies): 409 `entity-already-exists`. */
export function alreadyExists(core: EmulatorCore, entity: 'flow' | 'dashboard'): ApiError {
  const label = entity === 'flow' ? 'Flow' : 'Dashboard'
  const violation = { message: `${label} id already exists`, path: `${entity}.id` }
  const detail = `${violation.path}: ${violation.message}`
  if (core.options.problemJson) {
    return new ApiError(409, 'Conflict', detail, 'entity-already-exists', [violation])
  }
  return invalidEntity(detail, [violation])
}

/** `Flow` JSON, or `FlowWithSource` when withSource. */
export function renderFlow(core: EmulatorCore, saved: SavedFlow, withSource: boolean) {
  const json = flowJson(core.state.parsed(saved.flow), {
    namespace: saved.namespace,
    id: saved.id,
    revision: saved.flow.revision,
    deleted: saved.flow.deleted,
    updated: core.features.v1 ? saved.flow.updated : undefined
  })
  // 2.0's Flow has `draft` (non_null inclusion writes false too): the listed latest revision may be one.
  if (core.features.v2) json.draft = saved.flow.draft === true
  if (withSource) json.source = saved.flow.source
  return json
}
