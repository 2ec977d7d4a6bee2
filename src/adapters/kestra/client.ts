import type { Dispatcher } from 'undici'
import { z } from 'zod'
import { pathSegment } from '../../model/path-segment.js'
import type { KestraTarget, ServerInfo } from '../../model/kestra.js'
import type { Settings } from '../../model/settings.js'
import { dashboardsApi } from './dashboards.js'
import { executionsApi, kestraUiBase } from './executions.js'
import { filesApi } from './files.js'
import { flowsApi } from './flows.js'
import { LISTED_AT_MOST, listingsApi, readPages, unlessMissing } from './listings.js'
import { readAnswer, readJsonObject, ScopedHttp, YAML } from './scoped-http.js'
import {
  createDispatcher,
  retryPolicy,
  Transport,
  type RetryInfo,
  type RetryOptions
} from './transport.js'
import { validateApi } from './validate.js'

export interface KestraClientOptions extends Pick<
  Settings,
  'tenant' | 'auth' | 'timeoutSeconds' | 'concurrency'
> {
  server: string
  userAgent?: string
  retry?: RetryOptions
  onRetry?: (info: RetryInfo) => void
  /** Replaces the default keep-alive pool (proxy-aware); the client closes it. */
  dispatcher?: Dispatcher
}

export type KestraClient = ReturnType<typeof createKestraClient>

/** Everything a run asks of the server, each part's methods documented where written. */
export function createKestraClient(options: KestraClientOptions) {
  // Twice the connections of the requests in flight: one leaving as another's answer is read finds an idle one.
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
  return {
    /** Version, edition and API shape (tenant-scoped or legacy), probed once per run. */
    info: (): Promise<ServerInfo> => http.info(),
    target: { server, tenant: options.tenant } satisfies KestraTarget,
    /** The Kestra UI's base, once the probe says where the tenant goes (docs/kestra.md#execution-ui-link). */
    uiBase: async () =>
      kestraUiBase(server, (await http.info()).tenantScoped ? options.tenant : undefined),
    /** A kind's YAML resources kept by namespace and id under `P/<collection>` (docs/kestra.md#yaml-resources). */
    yamlResources: (collection: string) => yamlResources(http, collection),
    /** A kind's JSON entities kept by id under `P/<collection>` (docs/kestra.md#json-entities). */
    jsonEntities: (collection: string) => jsonEntities(http, collection),
    ...flowsApi(http),
    ...filesApi(http),
    ...kvApi(http),
    ...validateApi(http),
    ...dashboardsApi(http),
    ...executionsApi(http),
    ...listingsApi(http),
    requestCount: () => transport.requestCount(),
    close: () => dispatcher.close()
  }
}

const resourceAnswer = z.object({ id: z.string(), source: z.string() })
/** A listed resource; a row without an id or a source is none. */
const listedRow = resourceAnswer.extend({ namespace: z.unknown(), deleted: z.unknown() })

/**
 * What a kind reads and writes of a Kestra resource kept as YAML by namespace and id (test suites, `P/tests`):
 * `POST` the YAML, `GET`/`PUT`/`DELETE /{namespace}/{id}`, `GET /search?namespace=` paged
 * (docs/kestra.md#yaml-resources). Undefined or false: the server has no such route or resource.
 */
function yamlResources(http: ScopedHttp, collection: string) {
  const base = `/${pathSegment(collection)}`
  const one = (namespace: string, id: string) => ({
    route: `${base}/{namespace}/{id}`,
    params: [namespace, id]
  })
  return {
    list: (namespace: string) =>
      unlessMissing(
        readPages(
          http,
          {
            name: `${collection} listing`,
            remedy: `a namespace holds at most ${LISTED_AT_MOST} of them`,
            route: `${base}/search`,
            query: { namespace, includeChildNamespaces: 'false', sort: 'id:asc' },
            key: (row) => listedRow.safeParse(row).data?.id
          },
          (row) => {
            const found = listedRow.safeParse(row).data
            // A child namespace's resource is not this namespace's, whatever the server's filter did.
            return found && found.namespace === namespace && found.deleted !== true
              ? { id: found.id, source: found.source }
              : undefined
          }
        )
      ),
    async get(namespace: string, id: string): Promise<string | undefined> {
      const response = await http.found({ method: 'GET', ...one(namespace, id) })
      const withSource = resourceAnswer.pick({ source: true })
      return response && readAnswer(response, withSource, 'the resource with its source').source
    },
    async create(source: string): Promise<void> {
      await http.send({ method: 'POST', route: base, headers: YAML, body: source })
    },
    async update(namespace: string, id: string, source: string): Promise<boolean> {
      const response = await http.found({
        method: 'PUT',
        ...one(namespace, id),
        headers: YAML,
        body: source
      })
      return response !== undefined
    },
    async delete(namespace: string, id: string): Promise<boolean> {
      const response = await http.send({ method: 'DELETE', ...one(namespace, id), allow: [404] })
      // A request sent again most likely found what its first attempt had deleted.
      return response.status < 400 || response.attempts > 1
    }
  }
}

/**
 * What a kind reads and writes of a Kestra entity kept as JSON by id (Enterprise namespaces, `P/namespaces`):
 * `POST` the entity, `GET`/`PUT`/`DELETE /{id}` (docs/kestra.md#json-entities). Undefined or false: the server
 * holds no such entity (404).
 */
function jsonEntities(http: ScopedHttp, collection: string) {
  const base = `/${pathSegment(collection)}`
  const one = (id: string) => ({ route: `${base}/{id}`, params: [id] })
  const body = (entity: Record<string, unknown>) => ({
    headers: JSON_BODY,
    body: JSON.stringify(entity)
  })
  return {
    async get(id: string): Promise<Record<string, unknown> | undefined> {
      const response = await http.found({ method: 'GET', ...one(id) })
      return response && readJsonObject(response)
    },
    async create(entity: Record<string, unknown>): Promise<void> {
      await http.send({ method: 'POST', route: base, ...body(entity) })
    },
    async update(id: string, entity: Record<string, unknown>): Promise<boolean> {
      return (await http.found({ method: 'PUT', ...one(id), ...body(entity) })) !== undefined
    },
    async delete(id: string): Promise<boolean> {
      const response = await http.send({ method: 'DELETE', ...one(id), allow: [404] })
      // A request sent again most likely found what its first attempt had deleted.
      return response.status < 400 || response.attempts > 1
    }
  }
}

const JSON_BODY = { 'content-type': 'application/json' }

/** `P/namespaces/{ns}/kv/{key}` (docs/kestra.md). */
function kvApi(http: ScopedHttp) {
  const entry = (namespace: string, key: string) => ({
    route: '/namespaces/{namespace}/kv/{key}',
    params: [namespace, key]
  })
  return {
    /** Undefined when absent (404) or expired (410); `first`: ahead of the requests waiting for a place. */
    async getKv(namespace: string, key: string, first = false): Promise<unknown> {
      const response = await http.found({
        method: 'GET',
        ...entry(namespace, key),
        allow: [410],
        first
      })
      return response && response.status !== 410 ? readJsonObject(response).value : undefined
    },
    /** The body is a JSON literal: the server parses it as Ion, older servers as JSON. */
    async putKv(namespace: string, key: string, value: unknown): Promise<void> {
      await http.send({
        method: 'PUT',
        ...entry(namespace, key),
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(value) ?? 'null'
      })
    },
    /** An absent key is no error (the server answers `false`). */
    async deleteKv(namespace: string, key: string): Promise<void> {
      await http.send({ method: 'DELETE', ...entry(namespace, key) })
    }
  }
}

/** The Kestra servers the settings name: what a run shows before its clients exist (the one reader of them). */
export function settingsTarget(settings: Pick<Settings, 'server' | 'upgradeServer'>) {
  return { server: settings.server, upgradeServer: settings.upgradeServer }
}

/** The client a run uses; retries are reported through `log`. `which`: docs/upgrade.md#upgrade-server. */
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
