import type { dashboardsApi } from './dashboards.js'
import type { executionsApi } from './executions.js'
import type { filesApi } from './files.js'
import type { flowsApi } from './flows.js'
import type { kvApi } from './kv.js'
import type { listingsApi } from './listings.js'
import type { validateApi } from './validate.js'
import type { YamlResourcesApi } from './yaml-resources.js'
import type { KestraTarget, ServerInfo } from '../model/kestra.js'

/**
 * Everything a run asks of the server; `client.ts` implements it, each part's methods documented where written.
 */
export type KestraServer = {
  /** Version, edition and API shape (tenant-scoped or legacy), probed once per run. */
  info(): Promise<ServerInfo>
  readonly target: KestraTarget
  /** The Kestra UI's base, once the probe says where the tenant goes (docs/kestra.md#execution-ui-link). */
  uiBase(): Promise<string>
  /** A kind's YAML resources kept by namespace and id under `P/<collection>` (docs/kestra.md#yaml-resources). */
  yamlResources(collection: string): YamlResourcesApi
} & ReturnType<typeof flowsApi> &
  ReturnType<typeof filesApi> &
  ReturnType<typeof kvApi> &
  ReturnType<typeof validateApi> &
  ReturnType<typeof dashboardsApi> &
  ReturnType<typeof executionsApi> &
  ReturnType<typeof listingsApi>

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
