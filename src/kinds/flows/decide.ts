import type { DecideKind } from '../../decide/kind.js'
import { sha256Hex } from '../../model/content.js'
import type { RepositoryShape } from '../../model/drift.js'
import type { FlowChange } from '../../model/plan.js'
import type { RepositoryReading } from '../../decide/validate/index.js'
import { flowFindings } from './decide-checks.js'
import { planFlows } from './decide-plan.js'

/** Flows in a plan: after the namespace files they read, by id; the plan file keeps the revision. */
export const flowsDecide: DecideKind<FlowChange, RepositoryReading> = {
  name: 'flow',
  order: 1,
  pipelineReading: true,
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

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

function join(...parts: string[]): string {
  return parts.filter(Boolean).join('/')
}

/** Where the layout puts a flow of `namespace` that only the server holds. */
function newFlowPath(
  namespace: string,
  id: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  if (!ID.test(id)) return { reason: 'its id cannot name a file' }
  const name = `${id}.yml`
  if (shape.layout === 'tenant') {
    // The folder that already holds its namespace's flows (a parent's folder may), else its own.
    const sibling = siblingOf(namespace, shape, false)
    const under = shape.rootRel ? `${shape.rootRel}/` : ''
    const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined
    return { path: join(shape.rootRel, top || namespace, 'flows', name) }
  }
  if (shape.layout === 'namespace') {
    if (shape.namespace && within(namespace, shape.namespace)) {
      return { path: join(shape.rootRel, 'flows', name) }
    }
    return { reason: `its namespace is outside the namespace input (${shape.namespace ?? ''})` }
  }
  const sibling = siblingOf(namespace, shape, true)
  if (sibling === undefined)
    return { reason: 'no folder of the repository holds flows of its namespace' }
  const dir = sibling.includes('/') ? sibling.slice(0, sibling.lastIndexOf('/')) : ''
  return { path: join(dir, name) }
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
