import type { Kind } from '../resource.js'
import type { FlowChange } from '../../model/plan.js'
import { flowsApply, flowsRollback } from './apply.js'
import { flowsDecide } from './decide.js'
import type { FlowsHeld } from './decide-validate.js'
import { isFlowDocument, readFlow } from './gather.js'

/** docs/kinds.md#the-walk-two-kinds-share */
export const flowsWalk = { readFlow, isFlowDocument }

/** Flows (docs/kinds.md): read by the run's one walk, with namespace files. */
export const flows: Kind<FlowsHeld, FlowChange> = {
  gather: { name: 'flow', fromWalk: (walk) => walk, walk: flowsWalk },
  decide: flowsDecide,
  apply: flowsApply,
  rollback: flowsRollback
}

// What run/ still takes of flows by name (docs/kinds.md#what-run-still-takes-of-flows), named one by one
// so that an export nothing uses is still found.
export { callGraph, withImpact, withReview, type CallEdge } from './decide-impact.js'
export { callSites, changedContracts, checkNames, reviewContracts } from './decide-impact.js'
export { type CallSite } from './decide-impact.js'
export { knownResources, referenceFindings } from './decide-references.js'
export { SentRewrite } from './decide-sent.js'
export {
  judgedUpgradeReport,
  rewrittenOf,
  upgradeFlow,
  upgradeReport,
  upgradeSources,
  validatedTypes
} from './decide-upgrade.js'
export { loadFlowValidators, releaseKey, schemaReleases, schemaTarget } from './decide-schema.js'
export { type SchemaRelease } from './decide-schema.js'
export { checkFlow, confirmReusedChecks } from './decide-validate.js'
export { schemaVerdict, type FlowCheck } from './decide-validate.js'
export { readProblemFindings, unmanagedFindings } from './decide-validate.js'
export { guardUnfinished, type UnfinishedGuard } from './apply.js'
export { outsideUsers, readPinnedRevisions } from './gather.js'
