import type { Dispatcher } from 'undici'
import type { Auth, Settings } from '../model/settings.js'
import type {
  DependenciesApi,
  ExecutionsApi,
  HistoryApi,
  KestraApi,
  ListingsApi,
  NamespacesApi
} from './api.js'
import { DashboardsEndpoint } from './dashboards.js'
import { ExecutionsEndpoint, kestraUiBase } from './executions.js'
import { FilesEndpoint } from './files.js'
import { FlowsEndpoint } from './flows.js'
import { KvEndpoint } from './kv.js'
import { ListingsEndpoint, NamespacesEndpoint } from './listings.js'
import { retryPolicy, type RetryInfo, type RetryOptions } from './retry.js'
import { ScopedHttp } from './scoped-http.js'
import { createDispatcher, Transport } from './transport.js'
import { ValidateEndpoint } from './validate.js'
import { yamlResources } from './yaml-resources.js'

export interface KestraClientOptions {
  /** Base URL without trailing slash, as resolved by the settings. */
  server: string
  tenant: string
  auth: Auth
  timeoutSeconds: number
  /** Most requests in flight at once. */
  concurrency: number
  userAgent?: string
  retry?: RetryOptions
  onRetry?: (info: RetryInfo) => void
  /** Replaces the default keep-alive pool (proxy-aware); the client closes it. */
  dispatcher?: Dispatcher
}

export interface KestraClient
  extends KestraApi, ExecutionsApi, HistoryApi, ListingsApi, NamespacesApi, DependenciesApi {
  /** Requests sent so far (retries included) per `METHOD /route`, for benchmarks. */
  requestCount(): Record<string, number>
  close(): Promise<void>
}

export function createKestraClient(options: KestraClientOptions): KestraClient {
  // Twice the connections of the requests in flight (`concurrency` bounds those): a request that leaves as
  // another's answer is read finds an idle connection, rather than wait until that one is handed back.
  const dispatcher = options.dispatcher ?? createDispatcher(2 * Math.max(options.concurrency, 1))
  const server = options.server.replace(/\/+$/, '')
  const transport = new Transport({
    server,
    auth: options.auth,
    timeoutMs: options.timeoutSeconds * 1000,
    concurrency: options.concurrency,
    userAgent: options.userAgent ?? 'kestra-gitops-action',
    retry: retryPolicy(options.retry),
    dispatcher,
    onRetry: options.onRetry
  })
  const http = new ScopedHttp(transport, options.tenant)
  const flows = new FlowsEndpoint(http)
  const files = new FilesEndpoint(http)
  const kv = new KvEndpoint(http)
  const validation = new ValidateEndpoint(http)
  const executions = new ExecutionsEndpoint(http)
  const dashboards = new DashboardsEndpoint(http)
  const namespaces = new NamespacesEndpoint(http)
  const listings = new ListingsEndpoint(http)
  return {
    info: () => http.info(),
    target: { server, tenant: options.tenant },
    uiBase: async () =>
      kestraUiBase(server, (await http.info()).tenantScoped ? options.tenant : undefined),
    listFlows: (namespace) => flows.list(namespace),
    flowRevisions: (namespace) => flows.revisions(namespace),
    getFlow: (namespace, id) => flows.get(namespace, id),
    createFlow: (source) => flows.create(source),
    updateFlow: (namespace, id, source) => flows.update(namespace, id, source),
    deleteFlow: (namespace, id) => flows.delete(namespace, id),
    listFiles: (namespace) => files.list(namespace),
    getFile: (namespace, path) => files.get(namespace, path),
    uploadFile: (namespace, path, bytes) => files.upload(namespace, path, bytes),
    deleteFile: (namespace, path) => files.delete(namespace, path),
    getKv: (namespace, key, first) => kv.get(namespace, key, first),
    putKv: (namespace, key, value) => kv.put(namespace, key, value),
    deleteKv: (namespace, key) => kv.delete(namespace, key),
    validateFlows: (sources, count) => validation.validate(sources, count),
    listDashboards: () => dashboards.list(),
    getDashboard: (id) => dashboards.get(id),
    createDashboard: (source) => dashboards.create(source),
    updateDashboard: (id, source) => dashboards.update(id, source),
    deleteDashboard: (id) => dashboards.delete(id),
    validateDashboard: (source) => dashboards.validate(source),
    yamlResources: (collection) => yamlResources(http, collection),
    startExecution: (namespace, id, inputs, options) =>
      executions.start(namespace, id, inputs, options),
    getExecution: (executionId, options) => executions.get(executionId, options?.deadline),
    findExecutions: (query, options) => executions.search(query, options?.deadline),
    flowRevisionSource: (namespace, id, revision) => flows.revisionSource(namespace, id, revision),
    fileRevisions: (namespace, path) => files.revisions(namespace, path),
    fileRevision: (namespace, path, revision) => files.get(namespace, path, revision),
    namespacesStartingWith: (prefix) => namespaces.startingWith(prefix),
    flowDependencies: (namespace, id) => flows.dependencies(namespace, id),
    secretNames: () => listings.secretNames(),
    namespaceSecretNames: (namespace) => listings.namespaceSecretNames(namespace),
    inheritedSecretNames: (namespace) => listings.inheritedSecretNames(namespace),
    kvKeys: (namespaces) => listings.kvKeys(namespaces),
    namespaceKvKeys: (namespace) => listings.namespaceKvKeys(namespace),
    executionsOf: (groups, states, legacy) => listings.executionsOf(groups, states, legacy),
    requestCount: () => transport.requestCount(),
    close: () => dispatcher.close()
  }
}

/** The Kestra servers the settings name: what a run shows and asks about before its clients exist. */
export function settingsTarget(settings: Pick<Settings, 'server' | 'upgradeServer'>): {
  server: string | undefined
  upgradeServer: string | undefined
} {
  return { server: settings.server, upgradeServer: settings.upgradeServer }
}

/**
 * The client a run uses, from its settings; retries are reported through `log`. `which`: the upgrade server
 * (docs/upgrade.md#upgrade-server) is reached the same way.
 */
export function clientForSettings(
  settings: Pick<
    Settings,
    'server' | 'upgradeServer' | 'tenant' | 'auth' | 'timeoutSeconds' | 'concurrency'
  >,
  log: (message: string) => void,
  userAgent?: string,
  which: 'server' | 'upgradeServer' = 'server'
): KestraClient | undefined {
  const server = settings[which]
  if (!server) return undefined
  return createKestraClient({
    server,
    tenant: settings.tenant,
    auth: settings.auth,
    timeoutSeconds: settings.timeoutSeconds,
    concurrency: settings.concurrency,
    userAgent,
    onRetry: (info) =>
      log(`Kestra: retrying ${info.method} ${info.path} (${info.reason}) in ${info.delayMs} ms`)
  })
}
