import type { FileChange, ResourceChanges } from '../model/plan.js'
import { dashboardsApply, dashboardsRollback } from './dashboards/apply.js'
import { dashboardsDecide, type HeldDashboards } from './dashboards/decide.js'
import { dashboardsGather } from './dashboards/gather.js'
import { filesApply, filesRollback, readNamespaceFileBytes } from './namespace-files/apply.js'
import { filesDecide, type FilesHeld } from './namespace-files/decide.js'
import {
  fileOfBytes,
  fileServerCopy,
  filesBase,
  filesDesired,
  filesKnown
} from './namespace-files/gather.js'
import { filesServer } from './namespace-files/gather-server.js'
export { serverFilesOf } from './namespace-files/decide-server-state.js'
export { repoFilesOf } from './namespace-files/decide-repository.js'
import { serverFilesByNamespace } from './namespace-files/decide-server-state.js'
import { repoFilesOf } from './namespace-files/decide-repository.js'
import { FILE } from './namespace-files/decide-server-state.js'
import {
  CONTENT_FACTS_FIELD,
  contentFactsOf,
  contentFactsToStore
} from './namespace-files/decide-content-facts.js'
import { flows, flowsWalk } from './flows/index.js'

export * from './flows/index.js'
import { kvApply, kvRollback } from './kv/apply.js'
import { kvDecide, type HeldKv } from './kv/decide.js'
import { kvGather } from './kv/gather.js'
import { namespaceSettings } from './namespace-settings/index.js'
import { testsApply, testsRollback } from './test-suites/apply.js'
import { testsDecide, type HeldTests } from './test-suites/decide.js'
import { testsGather } from './test-suites/gather.js'
import type { Kind } from './resource.js'

/** docs/kinds.md#the-walk-two-kinds-share */
const filesWalk = {
  fileKind: FILE,
  readFileBytes: readNamespaceFileBytes,
  knownBlobs: { field: CONTENT_FACTS_FIELD, blobs: (kept: unknown) => contentFactsOf(kept).blobs }
}

/** Namespace files (docs/kinds.md): read by the run's one walk, with flows. */
export const namespaceFiles: Kind<FilesHeld, FileChange> = {
  gather: {
    name: 'file',
    fromWalk: (walk) => walk,
    walk: filesWalk,
    known: filesKnown,
    desired: (input) => filesDesired(input, readNamespaceFileBytes),
    base: filesBase,
    baseOfBytes: fileOfBytes,
    serverCopy: fileServerCopy,
    server: filesServer
  },
  decide: filesDecide,
  apply: filesApply,
  rollback: filesRollback,
  // What a plan knows of files without reading them (docs/performance.md#what-a-plan-knows-without-reading).
  marker: {
    field: CONTENT_FACTS_FIELD,
    rewritesMarker: false,
    toKeep: ({ plan, state, model }) =>
      state && contentFactsToStore(plan, serverFilesByNamespace(state), repoFilesOf(model))
  }
}

/** Kestra dashboards (docs/dashboards.md). */
const dashboards: Kind<HeldDashboards, ResourceChanges['dashboard']> = {
  gather: dashboardsGather,
  decide: dashboardsDecide,
  apply: dashboardsApply,
  rollback: dashboardsRollback
}

/** KV pairs as code (docs/kv.md). */
const kv: Kind<HeldKv, ResourceChanges['kv']> = {
  gather: kvGather,
  decide: kvDecide,
  apply: kvApply,
  rollback: kvRollback
}

/** Kestra test suites as code (docs/tests.md). */
const tests: Kind<HeldTests, ResourceChanges['test']> = {
  gather: testsGather,
  decide: testsDecide,
  apply: testsApply,
  rollback: testsRollback
}

/**
 * The registry: every resource kind the action manages (docs/kinds.md), each checked above: what its
 * gather part reads is what its decide part takes, and its decide and apply parts speak of the same changes.
 * run/ hands them to each phase.
 */
export const KINDS: readonly Kind[] = [
  namespaceSettings,
  namespaceFiles,
  flows,
  dashboards,
  kv,
  tests
]

/** The kinds' parts of the run's one walk of the repository (docs/kinds.md#the-walk-two-kinds-share). */
export const WALK = { ...flowsWalk, ...filesWalk }

export const DECIDE_KINDS = KINDS.map((kind) => kind.decide)

export const APPLY_KINDS = KINDS.flatMap((kind) => (kind.apply ? [kind.apply] : []))

export const ROLLBACK_KINDS = KINDS.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
