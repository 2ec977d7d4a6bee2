/**
 * `GET P/flows/{namespace}/{id}/dependencies` (docs/kestra.md#flow-dependencies): the flow's edges in
 * Kestra's flow topology. Modelled on `FlowController.dependencies` (`flowTopologyRepository.findByFlow`:
 * the topologies whose destination is the flow, and with `destinationOnly=false` those whose source is,
 * drawn by `FlowTopologyService.graph`, self links dropped) and on `FlowTopologyService.isChild`, which
 * decides an edge `parent → child`:
 * - `FLOW_TASK`: a task of the parent (children included) is an executable task whose `namespace` and
 *   `flowId` are the child's;
 * - `FLOW_TRIGGER`: the child has a `Flow` trigger whose conditions hold for an execution of the parent
 *   (`ExecutionFlow`/`FlowCondition` name it, `ExecutionNamespace`/`FlowNamespaceCondition` its namespace,
 *   `MultipleCondition` and `Or` any of theirs, `Not` none of its own; filter conditions such as
 *   `ExecutionStatus` always hold) and whose `preconditions.flows` (1.3) or `dependsOn` (2.0), when
 *   present, name the parent.
 * Kestra stores the topology as flows are saved; here it is computed from the live flows when asked. An
 * unknown flow has an empty graph, as Kestra's answer is. Values are compared as written (Kestra renders
 * none of them for the topology).
 */
import {
  jsonReply,
  queryValue,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { isRecord, parseLenient } from '../flow-source.js'

interface Node {
  uid: string
  namespace: string
  id: string
}

type Relation = 'FLOW_TASK' | 'FLOW_TRIGGER'

const EXECUTABLE =
  /^io\.kestra\.(plugin\.core\.flow\.(Subflow|ForEachItem)|core\.tasks\.flows\.(Subflow|Flow|ForEachItem))$/
const FLOW_TRIGGER =
  /^io\.kestra\.(plugin\.core\.trigger\.Flow|core\.models\.triggers\.types\.Flow)$/
const CONDITION = /^io\.kestra\.(plugin\.core\.condition|core\.models\.conditions\.types)\.(\w+)$/
/** `FlowTopologyService.isFilterCondition`: conditions that do not choose the upstream flow. */
const FILTERS = new Set([
  'DateTimeBetween',
  'DateTimeBetweenCondition',
  'DayWeek',
  'DayWeekCondition',
  'DayWeekInMonth',
  'DayWeekInMonthCondition',
  'ExecutionLabels',
  'ExecutionLabelsCondition',
  'ExecutionOutputs',
  'ExecutionOutputsCondition',
  'ExecutionStatus',
  'ExecutionStatusCondition',
  'Expression',
  'ExpressionCondition',
  'HasRetryAttempt',
  'HasRetryAttemptCondition',
  'PublicHoliday',
  'PublicHolidayCondition',
  'TimeBetween',
  'TimeBetweenCondition',
  'Weekend',
  'WeekendCondition'
])

export function handleDependencies(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = { namespace: ctx.params.namespace!, id: ctx.params.id! }
  const destinationOnly = queryValue(ctx, 'destinationOnly') === 'true'
  const flows: { node: Node; flow: Record<string, unknown> }[] = []
  for (const ns of core.state.flowNamespaces(ctx.tenant)) {
    for (const { id: flowId, flow } of core.state.liveFlowsOf(ctx.tenant, ns)) {
      const parsed = parseLenient(flow.source)
      const node = { uid: `${ctx.tenant}_${ns}_${flowId}`, namespace: ns, id: flowId }
      if (parsed) flows.push({ node, flow: parsed })
    }
  }
  const self = flows.find((f) => f.node.namespace === namespace && f.node.id === id)
  const nodes = new Map<string, Node>()
  const edges: { source: string; target: string; relation: Relation }[] = []
  const add = (source: Node, target: Node, relation: Relation) => {
    nodes.set(source.uid, source)
    nodes.set(target.uid, target)
    edges.push({ source: source.uid, target: target.uid, relation })
  }
  if (self) {
    for (const other of flows) {
      if (other === self) continue
      const asChild = relation(other, self)
      if (asChild) add(other.node, self.node, asChild)
      const asParent = destinationOnly ? undefined : relation(self, other)
      if (asParent) add(self.node, other.node, asParent)
    }
  }
  return jsonReply({ nodes: [...nodes.values()], edges })
}

function relation(
  parent: { node: Node; flow: Record<string, unknown> },
  child: { node: Node; flow: Record<string, unknown> }
): Relation | undefined {
  const names = (value: Record<string, unknown>) =>
    value.namespace === child.node.namespace && value.flowId === child.node.id
  const calls = [
    parent.flow.tasks,
    parent.flow.errors,
    parent.flow.finally,
    parent.flow.afterExecution
  ]
    .flatMap(mapsIn)
    .some((map) => typeof map.type === 'string' && EXECUTABLE.test(map.type) && names(map))
  if (calls) return 'FLOW_TASK'
  const upstream = parent.node
  // An upstream flow without `flowId` is any flow of its namespace (`Flow$UpstreamFlow`).
  const namesUpstream = (value: unknown) =>
    isRecord(value) &&
    value.namespace === upstream.namespace &&
    (value.flowId === upstream.id || value.flowId === undefined)
  const triggers = list(child.flow.triggers).filter(
    (t): t is Record<string, unknown> =>
      isRecord(t) && typeof t.type === 'string' && FLOW_TRIGGER.test(t.type)
  )
  const fires = triggers.some((trigger) => {
    const conditions = list(trigger.conditions).every((c) => holds(c, upstream))
    const preconditions = isRecord(trigger.preconditions) ? trigger.preconditions : undefined
    const flowsOk =
      !preconditions ||
      list(preconditions.flows).length === 0 ||
      list(preconditions.flows).some((f) => namesUpstream(f))
    const dependsOn = list(trigger.dependsOn)
    const dependsOk = dependsOn.length === 0 || dependsOn.some((d) => namesUpstream(d))
    return conditions && flowsOk && dependsOk
  })
  return fires ? 'FLOW_TRIGGER' : undefined
}

/** Whether a condition holds for an execution of `upstream` (`FlowTopologyService.validateCondition`). */
function holds(condition: unknown, upstream: Node, depth = 0): boolean {
  if (!isRecord(condition) || typeof condition.type !== 'string' || depth > 16) return false
  const kind = CONDITION.exec(condition.type)?.[2]
  if (kind === undefined) return false
  if (FILTERS.has(kind)) return true
  const inner = condition.conditions
  switch (kind) {
    case 'ExecutionFlow':
    case 'ExecutionFlowCondition':
    case 'FlowCondition':
      return condition.namespace === upstream.namespace && condition.flowId === upstream.id
    case 'ExecutionNamespace':
    case 'ExecutionNamespaceCondition':
    case 'FlowNamespaceCondition':
      return (
        typeof condition.namespace === 'string' &&
        (condition.namespace === upstream.namespace ||
          (condition.prefix === true && upstream.namespace.startsWith(condition.namespace)))
      )
    case 'MultipleCondition':
      return Object.values(isRecord(inner) ? inner : {}).some((c) => holds(c, upstream, depth + 1))
    case 'Or':
    case 'OrCondition':
      return list(inner).some((c) => holds(c, upstream, depth + 1))
    case 'Not':
    case 'NotCondition':
      return !list(inner).some((c) => holds(c, upstream, depth + 1))
    default:
      return false
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** Every mapping below a value: a flow's tasks with their children, wherever they nest. */
function mapsIn(value: unknown, depth = 0): Record<string, unknown>[] {
  if (depth > 64) return []
  if (Array.isArray(value)) return value.flatMap((item) => mapsIn(item, depth + 1))
  if (!isRecord(value)) return []
  return [value, ...Object.values(value).flatMap((item) => mapsIn(item, depth + 1))]
}
