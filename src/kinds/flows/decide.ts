import type { DecideKind } from '../../decide/kind.js'
import { sha256Hex } from '../../model/content.js'
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
  plan: (_reading, options) => planFlows(options)
}
