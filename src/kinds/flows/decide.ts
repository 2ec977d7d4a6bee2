import { FLOW_ID_PATTERN } from './decide-identity.js'
import type { DecideKind, KindPlanOptions } from '../../decide/kind.js'
import type { RepositoryShape } from '../../model/drift.js'
import { repositoryPath } from '../../model/repository-paths.js'
import type { FlowsHeld } from './decide-validate.js'
import { flowFindings } from './decide-checks.js'
import { impactMarks, impactText, reviewData, reviewMarks, reviewText } from './decide-render.js'
import {
  actionOf,
  applyDiff,
  indexByFile,
  isDrifted,
  scopeFilter
} from '../../decide/plan/build.js'
import { diffTexts } from '../../decide/plan/diff.js'
import { normaliseText, sha256Hex } from '../../model/content.js'
import type { RemoteFlow } from '../../model/kestra.js'
import { flowKey } from '../../model/targets.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { FlowChange, PlanAction } from '../../model/plan.js'

/** Flows in a plan: after the namespace files they read, by id; the plan file keeps the revision. */
export const flowsDecide: DecideKind<FlowChange, FlowsHeld> = {
  name: 'flow',
  order: 1,
  label: 'Flows',
  marks: (change) => [...revisionMarks(change), ...impactMarks(change), ...reviewMarks(change)],
  above: (change) => [impactText(change), reviewText(change)].filter((text) => text !== undefined),
  review: reviewData,
  kestraPage: (change, kestraUi) =>
    `${kestraUi}/flows/edit/${encodeURIComponent(change.namespace)}/${encodeURIComponent(change.id)}`,
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  planFileDetails: (change): Record<string, number> =>
    change.current ? { revision: change.current.revision } : {},
  fingerprintOf: (r) => [
    'flow',
    r.namespace,
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired),
    r.current?.revision ?? null,
    r.current === undefined ? null : sha256Hex(r.current.source)
  ],
  validate: flowFindings,
  plan: (_reading, options) => planFlows(options),
  serverText: (change) => change.current?.source,
  newPath: (change, shape) => newFlowPath(change.namespace, change.id, shape)
}

/** The revision the server holds, and the one an update makes. */
function revisionMarks(change: FlowChange): string[] {
  const current = change.current
  if (current === undefined) return []
  return [
    change.action === 'update'
      ? `rev ${current.revision} → ${current.revision + 1}`
      : `rev ${current.revision}`
  ]
}

/** Where the layout puts a flow of `namespace` that only the server holds. */
function newFlowPath(
  namespace: string,
  id: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  // Any id Kestra saves names a file: its pattern allows dots (`etl.v2` → `etl.v2.yml`).
  if (!FLOW_ID_PATTERN.test(id)) return { reason: 'its id cannot name a file' }
  const name = `${id}.yml`
  if (shape.layout === 'tenant') {
    // The folder that already holds its namespace's flows (a parent's folder may), else its own.
    const sibling = siblingOf(namespace, shape, false)
    const under = shape.rootRel ? `${shape.rootRel}/` : ''
    const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined
    return { path: repositoryPath(shape.rootRel, top || namespace, 'flows', name) }
  }
  if (shape.layout === 'namespace') {
    if (shape.namespace && within(namespace, shape.namespace)) {
      return { path: repositoryPath(shape.rootRel, 'flows', name) }
    }
    return { reason: `its namespace is outside the namespace input (${shape.namespace ?? ''})` }
  }
  const sibling = siblingOf(namespace, shape, true)
  if (sibling === undefined)
    return { reason: 'no folder of the repository holds flows of its namespace' }
  const dir = sibling.includes('/') ? sibling.slice(0, sibling.lastIndexOf('/')) : ''
  return { path: repositoryPath(dir, name) }
}

/** The first flow file of `namespace` (or, with `parents`, of its closest parent namespace that has one). */
function siblingOf(
  namespace: string,
  shape: RepositoryShape,
  parents: boolean
): string | undefined {
  for (let ns: string | undefined = namespace; ns; ns = parents ? parentOf(ns) : undefined) {
    const files = shape.flowFiles.filter((f) => f.namespace === ns).map((f) => f.file)
    if (files.length > 0) return files.sort()[0]
  }
  return undefined
}

function within(namespace: string, parent: string): boolean {
  return namespace === parent || namespace.startsWith(`${parent}.`)
}

function parentOf(namespace: string): string | undefined {
  const dot = namespace.lastIndexOf('.')
  return dot < 0 ? undefined : namespace.slice(0, dot)
}

/**
 * The flows' changes (docs/plan.md): the repository's flows against the server's in each managed
 * namespace, compared as Kestra compares them; drift against the base commit.
 */
function planFlows(options: KindPlanOptions): FlowChange[] {
  const { input } = options
  if (!input) return []
  const desiredFlows = indexByFile(input.desired.flows, (f) => flowKey(f.namespace, f.id))
  const actualFlows = new Map<string, RemoteFlow & { namespace: string }>()
  for (const namespace of new Set(input.namespaces)) {
    for (const flow of input.actual.get(namespace)?.flows ?? [])
      actualFlows.set(flowKey(namespace, flow.id), { ...flow, namespace })
  }
  const inScope = scopeFilter(options, desiredFlows, input.base?.flows)
  const changes: FlowChange[] = []
  for (const key of new Set([...desiredFlows.keys(), ...actualFlows.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFlows.get(key)
    const server = actualFlows.get(key)
    const base = input.base?.flows.get(key)
    if (desired && !server) {
      changes.push(flowChange(desired, 'create', options, undefined))
      continue
    }
    if (!server) continue
    const serverComparable = comparableFlowSource(server.source)
    const desiredComparable = desired && comparableFlowSource(desired.source)
    const change = flowChange(
      desired ?? server,
      actionOf(options, desired !== undefined, desiredComparable === serverComparable),
      options,
      server
    )
    change.drifted = isDrifted(
      change.action,
      input.base !== undefined,
      base && comparableFlowSource(base.source) !== serverComparable
    )
    changes.push(change)
  }
  return changes
}

function flowChange(
  subject: { namespace: string; id: string; source: string; file?: string },
  action: PlanAction,
  { limits }: KindPlanOptions,
  server: RemoteFlow | undefined
): FlowChange {
  const { namespace, id } = subject
  const desired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FlowChange = {
    kind: 'flow',
    namespace,
    id,
    action,
    drifted: false,
    ...(desired && subject.file !== undefined && { file: subject.file }),
    ...(desired && { desired: normaliseText(subject.source) }),
    ...(server && { current: { source: server.source, revision: server.revision } })
  }
  const name = `${namespace}/${id}`
  if (action === 'create') {
    applyDiff(change, diffTexts('', `b/${name}`, undefined, change.desired, limits))
  } else if (action === 'update' && server) {
    const before = comparableFlowSource(server.source)
    const after = comparableFlowSource(subject.source)
    applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  } else if (action === 'delete' && server) {
    applyDiff(change, diffTexts(`a/${name}`, '', normaliseText(server.source), undefined, limits))
  }
  return change
}
