import type { CreateOutcome, RemoteDashboard } from './dashboards.js'
import type { FlowGroup } from './listings.js'
import type { YamlResourcesApi } from './yaml-resources.js'
import type {
  KestraTarget,
  ServerInfo,
  RemoteFlow,
  RemoteFile,
  ServerValidation,
  ServerVerdict,
  Label,
  ExecutionQuery,
  Execution,
  FlowDependency
} from '../model/kestra.js'

/**
 * What the core (plan, deploy, server validation) needs from a Kestra server. The HTTP client
 * (`client.ts`) implements it; the core's tests reach the Kestra emulator through that client
 * (`__tests__/deploy/emulated-kestra.ts`).
 */
export interface KestraApi {
  /** Version, edition and API shape (tenant-scoped or legacy), probed once per run. */
  info(): Promise<ServerInfo>
  /** The server and tenant the client talks to. */
  readonly target: KestraTarget
  /** The Kestra UI's base, once the probe says where the tenant goes (docs/kestra.md#execution-ui-link). */
  uiBase(): Promise<string>
  /** Every non-deleted flow of exactly this namespace (children excluded), with source and revision. Bulk: O(1) requests. */
  listFlows(namespace: string): Promise<RemoteFlow[]>
  /** Id → revision of every non-deleted flow of exactly this namespace, without sources. 1 request. */
  flowRevisions(namespace: string): Promise<Map<string, number>>
  /** One flow, or undefined when absent or deleted. */
  getFlow(namespace: string, id: string): Promise<RemoteFlow | undefined>
  /** POST the YAML. A retried create meeting "already exists" re-reads and returns the stored flow when its source matches. */
  createFlow(source: string): Promise<RemoteFlow>
  /** PUT the YAML; throws ApiError 404 when the flow is missing. Unchanged source keeps the revision. */
  updateFlow(namespace: string, id: string, source: string): Promise<RemoteFlow>
  deleteFlow(namespace: string, id: string): Promise<void>
  /** Every namespace file of the namespace, paths starting with '/'. Bulk: O(1) requests. */
  listFiles(namespace: string): Promise<RemoteFile[]>
  /** One namespace file's bytes, or undefined when absent. */
  getFile(namespace: string, path: string): Promise<Uint8Array | undefined>
  /** Stores the bytes at the path, never triggering Kestra's .zip extraction. */
  uploadFile(namespace: string, path: string, bytes: Uint8Array): Promise<void>
  deleteFile(namespace: string, path: string): Promise<void>
  /**
   * Parsed JSON value of a KV entry, or undefined when absent or expired; `first`: ahead of the requests
   * waiting for a place (what the run's other work waits on).
   */
  getKv(namespace: string, key: string, first?: boolean): Promise<unknown>
  putKv(namespace: string, key: string, value: unknown): Promise<void>
  deleteKv(namespace: string, key: string): Promise<void>
  /**
   * Server-side validation, one result per source, in order (batched internally, at most `count`, by
   * default 250, and 512 KiB a request).
   */
  validateFlows(sources: string[], count?: number): Promise<ServerValidation[]>
  /** Tenant-wide dashboards (docs/kestra.md#dashboards): undefined when the server has no such API. */
  listDashboards(): Promise<RemoteDashboard[] | undefined>
  /** One live dashboard, or undefined. */
  getDashboard(id: string): Promise<RemoteDashboard | undefined>
  createDashboard(source: string): Promise<CreateOutcome>
  /** Undefined when the server holds no such dashboard. */
  updateDashboard(id: string, source: string): Promise<RemoteDashboard | undefined>
  /** False when the server held no such dashboard. */
  deleteDashboard(id: string): Promise<boolean>
  /** The server's constraint violations on one dashboard, or undefined when valid. */
  validateDashboard(source: string): Promise<ServerVerdict>
  /** A kind's YAML resources kept by namespace and id under `P/<collection>` (docs/kestra.md#yaml-resources). */
  yamlResources(collection: string): YamlResourcesApi
}

/** Everything a run asks of the server: the core's reads and writes, smoke runs, earlier versions. */
export type KestraServer = KestraApi &
  ExecutionsApi &
  HistoryApi &
  ListingsApi &
  NamespacesApi &
  DependenciesApi

/** Kestra's own record of which flows use which (docs/kestra.md#flow-dependencies). */
export interface DependenciesApi {
  /** The flow's direct edges in the flow topology; undefined when the server has no such route. */
  flowDependencies(namespace: string, id: string): Promise<FlowDependency[] | undefined>
}
/** The namespaces a server lists, for removing a preview (docs/environments.md#previews). */
export interface NamespacesApi {
  /** Every listed namespace whose id starts with `prefix`, sorted. */
  namespacesStartingWith(prefix: string): Promise<string[]>
}

/** Names and executions that a review checks (docs/caught-at-review.md); never a secret's or key's value. */
export interface ListingsApi {
  /** Every secret name of the tenant (`GET P/secrets`, every page). */
  secretNames(): Promise<string[]>
  /** A namespace's own secret names (`GET P/namespaces/{ns}/secrets`, every page). */
  namespaceSecretNames(namespace: string): Promise<string[]>
  /** The names `GET P/namespaces/{ns}/inherited-secrets` answers, every namespace's joined. */
  inheritedSecretNames(namespace: string): Promise<string[]>
  /** The live KV keys of these namespaces (`GET P/kv?filters[namespace][IN]=…`, every page); before 1.3 an entry names no namespace. */
  kvKeys(namespaces: readonly string[]): Promise<{ namespace?: string; key: string }[]>
  /** The live KV keys of exactly this namespace (`GET P/namespaces/{ns}/kv`, 0.18 to 1.3). */
  namespaceKvKeys(namespace: string): Promise<string[]>
  /** The executions of these flows in one of these states, every page, whatever their age. */
  executionsOf(
    groups: readonly FlowGroup[],
    states: readonly string[],
    legacy: boolean
  ): Promise<Execution[]>
}

/**
 * Executions, for smoke runs after a deploy (docs/smoke-and-rollback.md#smoke-runs,
 * docs/kestra.md#executions).
 */
export interface ExecutionsApi {
  /**
   * Starts one execution carrying `labels` (inputs as multipart text parts, no waiting). Sent once, never
   * retried: after a lost answer the caller looks the execution up by its labels before another start.
   */
  startExecution(
    namespace: string,
    id: string,
    inputs: readonly (readonly [string, string])[],
    options: { labels: Label[]; deadline?: number }
  ): Promise<Execution>
  /**
   * Undefined on 404: unknown, or not recorded yet right after the start
   * (docs/kestra.md#read-an-execution).
   */
  getExecution(executionId: string, options?: { deadline?: number }): Promise<Execution | undefined>
  /** The recorded executions of one flow that carry every label, oldest first. */
  findExecutions(query: ExecutionQuery, options?: { deadline?: number }): Promise<Execution[]>
}

/** An execution label, `[key, value]`. */

/**
 * What the server keeps of earlier versions, for a rollback that a later run finishes
 * (docs/rollback.md#the-record).
 */
export interface HistoryApi {
  /** The source of one revision of a flow, or undefined when the server has no such revision. */
  flowRevisionSource(namespace: string, id: string, revision: number): Promise<string | undefined>
  /** A namespace file's revision numbers (Kestra 1.2+); undefined when the server keeps none for it. */
  fileRevisions(namespace: string, path: string): Promise<number[] | undefined>
  /** The bytes of one revision of a namespace file (Kestra 1.2+), or undefined. */
  fileRevision(namespace: string, path: string, revision: number): Promise<Uint8Array | undefined>
}
