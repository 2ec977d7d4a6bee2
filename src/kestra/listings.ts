import type { Execution } from '../model/kestra.js'
import { ApiError } from './errors.js'
import { readJson, readJsonArray, readJsonObject } from './json.js'
import type { ScopedHttp } from './scoped-http.js'
import type { HttpResponse } from './transport.js'
import { pathSegment } from '../model/path-segment.js'

/** Names asked for per page: a tenant holds hundreds of secrets or keys at most, so one page answers. */
const PAGE = 500

/** Pages a `{results, total}` search never loops past, whatever the server says its total is. */
const MAX_PAGES = 40

/**
 * The listings a review reads (docs/caught-at-review.md): secret names and KV keys, never a value, and
 * the executions not finished (docs/kestra.md#secrets, #kv-listings, #search-executions).
 */
export class ListingsEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  /** `GET P/secrets`, every page: OSS answers every name of the tenant whatever the namespace. */
  async secretNames(): Promise<string[]> {
    return this.paged('/secrets', {}, (item) => stringField(item, 'key'))
  }

  /** `GET P/namespaces/{ns}/secrets`, every page: Enterprise answers the namespace's own secrets. */
  async namespaceSecretNames(namespace: string): Promise<string[]> {
    return this.paged(`/namespaces/${pathSegment(namespace)}/secrets`, {}, (item) =>
      stringField(item, 'key')
    )
  }

  /** `GET P/namespaces/{ns}/inherited-secrets`: `{"<namespace>": ["NAME", …]}`, every array joined. */
  async inheritedSecretNames(namespace: string): Promise<string[]> {
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${pathSegment(namespace)}/inherited-secrets`,
      route: '/namespaces/{namespace}/inherited-secrets'
    })
    return Object.values(readJsonObject(response)).flatMap((names) =>
      Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : []
    )
  }

  /**
   * `GET P/kv?filters[namespace][IN]=…`, every page: the live keys of these namespaces. Entries name their
   * namespace from 1.3 only (docs/kestra.md#kv-listings): one without is `namespace: undefined`.
   */
  async kvKeys(namespaces: readonly string[]): Promise<{ namespace?: string; key: string }[]> {
    return this.paged('/kv', { 'filters[namespace][IN]': namespaces.join(',') }, (item) => {
      const namespace = stringField(item, 'namespace')
      const key = stringField(item, 'key')
      return key === undefined ? undefined : { ...(namespace !== undefined && { namespace }), key }
    })
  }

  /** `GET P/namespaces/{ns}/kv` (0.18 to 1.3): the live keys of exactly this namespace. */
  async namespaceKvKeys(namespace: string): Promise<string[]> {
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${pathSegment(namespace)}/kv`,
      route: '/namespaces/{namespace}/kv'
    })
    return readJsonArray(response).flatMap((item) => stringField(item, 'key') ?? [])
  }

  /**
   * The executions of one namespace that are in one of `states`, every page. `filters[…]` (1.1 on) with a
   * lower start bound older than any run, past the server's default 8-day window; the flat parameters
   * before (no window there, `namespace` a prefix: hence the exact match on the results).
   */
  async executionsIn(
    namespace: string,
    states: readonly string[],
    legacy: boolean
  ): Promise<Execution[]> {
    const query: Record<string, string | readonly string[]> = legacy
      ? { namespace, state: states }
      : {
          'filters[namespace][EQUALS]': namespace,
          'filters[state][IN]': states.join(','),
          'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': '2000-01-01T00:00:00Z'
        }
    const found = await this.paged('/executions/search', query, executionOf)
    return found.filter((execution) => execution.namespace === namespace)
  }

  private async paged<T>(
    path: string,
    query: Record<string, string | readonly string[]>,
    item: (raw: unknown, response: HttpResponse) => T | undefined
  ): Promise<T[]> {
    const found: T[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.http.send({
        method: 'GET',
        path,
        route: path.replace(/\/namespaces\/[^/]+/, '/namespaces/{namespace}'),
        query: { ...query, page: String(page), size: String(PAGE) }
      })
      const body = readJsonObject(response)
      const results = Array.isArray(body.results) ? body.results : notPaged(response)
      for (const raw of results) {
        const value = item(raw, response)
        if (value !== undefined) found.push(value)
      }
      const total = typeof body.total === 'number' ? body.total : 0
      if (results.length < PAGE || page * PAGE >= total) break
    }
    return found
  }
}

function notPaged(response: HttpResponse): never {
  throw new ApiError({
    status: response.status,
    method: response.method,
    path: response.path,
    serverMessage: `expected {results, total} in the answer, got ${typeof readJson(response)}`
  })
}

function stringField(raw: unknown, field: string): string | undefined {
  const value = (raw as Record<string, unknown> | null)?.[field]
  return typeof value === 'string' ? value : undefined
}

/**
 * The fields a review shows of an execution. One without an id, flow or state fails the read: a guard
 * never passes on an answer it cannot read.
 */
function executionOf(raw: unknown, response: HttpResponse): Execution {
  const value = raw as Record<string, unknown> | null
  const state = value?.state as Record<string, unknown> | undefined
  const id = stringField(value, 'id')
  const namespace = stringField(value, 'namespace')
  const flowId = stringField(value, 'flowId')
  const current = stringField(state, 'current')
  if (!id || !namespace || !flowId || !current) {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: 'an item of the answer is not an execution (no id, namespace, flowId or state)'
    })
  }
  const startDate = stringField(state, 'startDate')
  return { id, namespace, flowId, state: current, ...(startDate && { startDate }), labels: [] }
}
