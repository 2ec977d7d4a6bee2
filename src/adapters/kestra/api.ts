import type { KestraClient } from './client.js'
import type { executionsApi } from './executions.js'
import type { listingsApi } from './listings.js'

/** Everything a run asks of the server: the client (`client.ts`) without its own bookkeeping. */
export type KestraServer = Omit<KestraClient, 'requestCount' | 'close'>

/**
 * Executions, for smoke runs after a deploy (docs/smoke-and-rollback.md#smoke-runs, docs/kestra.md#executions).
 */
export type ExecutionsApi = ReturnType<typeof executionsApi>

/**
 * What the server keeps of earlier versions, for a rollback that a later run finishes
 * (docs/rollback.md#the-record).
 */
export type HistoryApi = Pick<KestraServer, 'flowRevisionSource' | 'fileRevisions' | 'fileRevision'>

/** Names and executions that a review checks (docs/caught-at-review.md); never a secret's or key's value. */
export type ListingsApi = Omit<ReturnType<typeof listingsApi>, 'namespacesStartingWith'>

/** Kestra's own record of which flows use which (docs/kestra.md#flow-dependencies). */
export type DependenciesApi = Pick<KestraServer, 'flowDependencies'>

export type KestraApi = Omit<
  KestraServer,
  | keyof ExecutionsApi
  | keyof HistoryApi
  | keyof ListingsApi
  | 'namespacesStartingWith'
  | keyof DependenciesApi
>
