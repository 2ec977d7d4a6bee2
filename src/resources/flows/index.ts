import type { CheckedKind, Kind } from '../resource.js'
import type { FlowChange } from '../../model/plan.js'
import { flowsApply, flowsRollback } from './apply.js'
import { flowsDecide } from './decide.js'
import { confirmReusedChecks, type FlowsHeld } from './decide-validate.js'
import { STORED_CHECKS_FIELD, type FileChecks } from './decide-stored-checks.js'
import {
  flowOfBytes,
  flowsBase,
  flowsDesired,
  flowsKnown,
  flowsServer,
  isFlowDocument,
  readFlow
} from './gather.js'
import type { FlowsChecked } from './check.js'
import { FLOW } from './decide-server-state.js'
import { flowsReview } from './gather-review.js'
import { reuseStoredChecks } from './gather-stored-checks.js'
import { flowsOfWalk, flowsVerdicts } from './gather-verdicts.js'

/** docs/kinds.md#the-walk-two-kinds-share */
export const flowsWalk = { flowKind: FLOW, readFlow, isFlowDocument, reuse: reuseStoredChecks }

const checkedFacts: CheckedKind<FlowsChecked> = {
  references: (checked) => checked.references,
  names: (checked) => checked.names,
  listings: (checked) => checked.listings,
  unfinished: (checked) => checked.unfinished,
  confirmReused: ({ reused }) => confirmReusedChecks(reused.flows, reused.recheck)
}

/** Flows (docs/kinds.md): read by the run's one walk, with namespace files. */
export const flows: Kind<FlowsHeld, FlowChange, FlowsChecked> = {
  gather: {
    name: 'flow',
    fromWalk: flowsOfWalk,
    walk: flowsWalk,
    known: flowsKnown,
    desired: flowsDesired,
    base: flowsBase,
    baseOfBytes: flowOfBytes,
    server: flowsServer,
    review: flowsReview,
    verdicts: flowsVerdicts
  },
  decide: flowsDecide,
  apply: flowsApply,
  rollback: flowsRollback,
  checked: checkedFacts,
  // Each flow file's checks, by digest (docs/performance.md#incremental-planning): other checks, another marker.
  marker: {
    field: STORED_CHECKS_FIELD,
    rewritesMarker: true,
    toKeep: ({ checked }) => checked?.storedChecks
  }
}

/** Each repository flow file's own checks, as the loading made or reused them: upgrade readiness reads them. */
export function flowFileChecks(byKind: ReadonlyMap<string, unknown>): FileChecks {
  return (byKind.get(flows.decide.name) as FlowsChecked | undefined)?.checks ?? new Map()
}

// What commands/ still take of flows by name (docs/kinds.md#what-the-commands-still-take-of-flows), named one by one
// so that an export nothing uses is still found.
export { callGraph, withImpact, withReview, type CallEdge } from './decide-impact.js'
export { executionLoopFindings } from './decide-loops.js'
export { callSites, contractCalls, reviewContracts } from './decide-subflow-contracts.js'
export { checkNames, deletedKeysInUse } from './decide-missing-names.js'
export { knownResources, referenceFindings } from './decide-references.js'
export { SentRewrite } from './decide-sent.js'
export {
  judgedUpgradeReport,
  rewriteDue,
  rewrittenOf,
  upgradeFlow,
  upgradeReport,
  upgradeSources
} from './decide-upgrade.js'
export { validatedTypes } from './decide-upgrade-rewrites.js'
export {
  loadFlowValidators,
  releaseKey,
  schemaReleases,
  schemaTarget
} from './decide-schema-releases.js'
export { type SchemaRelease } from './decide-schema-releases.js'
export { checkFlow } from './decide-validate.js'
export {
  asking,
  flowChecks,
  flowsChecked,
  recheckWith,
  reusedFlows,
  sentReferences,
  storedChecking,
  type ChecksAsked,
  type FlowsChecked
} from './check.js'
export { schemaVerdict } from './decide-schema-verdict.js'
export { type FlowCheck } from './decide-validate.js'
export { readProblemFindings, unmanagedFindings } from './decide-validate.js'
export { guardUnfinished, type UnfinishedGuard } from './apply.js'
export { outsideUsers, readPinnedRevisions } from './gather.js'
export { serverFlowsOf } from './decide-server-state.js'
export { readUnfinished } from './gather-unfinished.js'
export { repoFlowsOf } from './decide-repository.js'
