import type { CheckedKind, Kind } from '../resource.js'
import type { NameListings, NameReference } from '../../model/names.js'
import type { Outcome } from '../../model/outcome.js'
import type { FlowChange, UnfinishedReading } from '../../model/plan.js'
import type { FlowReference } from '../../model/references.js'
import type { FlowFile } from '../../model/repository.js'
import type { StoredFlowCheck } from '../../model/stored-checks.js'
import { flowsApply, flowsRollback } from './apply.js'
import { flowsDecide } from './decide.js'
import { confirmReusedChecks, type FlowCheck, type FlowsHeld } from './decide-validate.js'
import { flowsKnown, isFlowDocument, readFlow } from './gather.js'

/** docs/kinds.md#the-walk-two-kinds-share */
export const flowsWalk = { readFlow, isFlowDocument }

/** What the flows' checks hold once run (`Checked.byKind`). */
export interface FlowsChecked {
  /** Each repository flow file's check, as the loading made or reused it. */
  checks: ReadonlyMap<FlowFile, FlowCheck>
  /** Every repository flow's references to flows and namespace files, as sent. */
  references: FlowReference[]
  /** Every repository flow's `secret()` and `kv()` names, as sent. */
  names: NameReference[]
  /**
   * The flow files whose checks were reused rather than run, with those checks, and the check this build makes
   * of one, asked what its stored entry holds: a deploy confirms them before its first write
   * (docs/performance.md#a-deploy-confirms-before-it-writes).
   */
  reused: {
    flows: ReadonlyMap<FlowFile, StoredFlowCheck>
    recheck: (flow: FlowFile, stored: StoredFlowCheck) => Promise<FlowCheck>
  }
  /** The server's listings of the names that `secret()` and `kv()` calls use, when read. */
  listings?: Outcome<NameListings>
  /** The review's search of the flows the plan may rewrite, when made. */
  unfinished?: UnfinishedReading
  /** Deploy: the flow checks each namespace's commit marker stores (docs/performance.md#incremental-planning). */
  storedChecks?: Promise<Map<string, Record<string, StoredFlowCheck>> | undefined>
}

const flowsChecked: CheckedKind<FlowsChecked> = {
  references: (checked) => checked.references,
  names: (checked) => checked.names,
  listings: (checked) => checked.listings,
  unfinished: (checked) => checked.unfinished,
  fileChecks: (checked) => checked.checks,
  toStore: (checked) => checked.storedChecks,
  confirmReused: ({ reused }) => confirmReusedChecks(reused.flows, reused.recheck)
}

/** Flows (docs/kinds.md): read by the run's one walk, with namespace files. */
export const flows: Kind<FlowsHeld, FlowChange, FlowsChecked> = {
  gather: { name: 'flow', fromWalk: (walk) => walk, walk: flowsWalk, known: flowsKnown },
  decide: flowsDecide,
  apply: flowsApply,
  rollback: flowsRollback,
  checked: flowsChecked
}

// What run/ still takes of flows by name (docs/kinds.md#what-run-still-takes-of-flows), named one by one
// so that an export nothing uses is still found.
export { callGraph, withImpact, withReview, type CallEdge } from './decide-impact.js'
export { callSites, changedContracts, reviewContracts } from './decide-input-contracts.js'
export { type CallSite } from './decide-input-contracts.js'
export { checkNames } from './decide-missing-names.js'
export { knownResources, referenceFindings } from './decide-references.js'
export { SentRewrite } from './decide-sent.js'
export {
  judgedUpgradeReport,
  rewrittenOf,
  upgradeFlow,
  upgradeReport,
  upgradeSources
} from './decide-upgrade.js'
export { validatedTypes } from './decide-upgrade-rewrites.js'
export { loadFlowValidators, releaseKey, schemaReleases, schemaTarget } from './decide-schema.js'
export { type SchemaRelease } from './decide-schema.js'
export { checkFlow } from './decide-validate.js'
export { schemaVerdict } from './decide-schema-verdict.js'
export { type FlowCheck } from './decide-validate.js'
export { readProblemFindings, unmanagedFindings } from './decide-validate.js'
export { guardUnfinished, type UnfinishedGuard } from './apply.js'
export { outsideUsers, readPinnedRevisions } from './gather.js'
