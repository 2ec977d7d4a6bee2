import type { Execution, ExecutionQuery, Label } from '../../model/kestra.js'
import { parseVersion } from '../../model/version.js'
import { readPages, rowIdOf, toExecution } from './listings.js'
import { readJson, type ScopedHttp } from './scoped-http.js'
import { formBody } from './transport.js'

/** Results asked for by a label search: a run's labels match a handful of executions at most. */
const SEARCH_PAGE = 25
const SEARCH_PAGES = 20

/** `POST …/executions/{namespace}/{id}`, `GET …/executions/{id}` and `…/search` (docs/kestra.md#executions). */
export function executionsApi(http: ScopedHttp) {
  return {
    /**
     * Multipart, a text part per input, labels as repeated `labels=key:value`, `wait` false
     * (docs/kestra.md#start-an-execution). Sent once, never retried: after a lost answer the caller looks the
     * execution up by its labels first.
     */
    async startExecution(
      namespace: string,
      id: string,
      inputs: readonly (readonly [string, string])[],
      options: { labels: Label[]; deadline?: number }
    ): Promise<Execution> {
      const { contentType, body } = await formBody(inputs)
      const response = await http.send({
        method: 'POST',
        route: '/executions/{namespace}/{id}',
        params: [namespace, id],
        query: { labels: options.labels.map(([key, value]) => `${key}:${value}`) },
        headers: { 'content-type': contentType },
        body,
        deadline: options.deadline,
        once: true
      })
      return toExecution(readJson(response), response)
    },
    /** Undefined on 404: unknown, or not recorded yet right after the start (docs/kestra.md#read-an-execution). */
    async getExecution(
      executionId: string,
      options?: { deadline?: number }
    ): Promise<Execution | undefined> {
      const response = await http.found({
        method: 'GET',
        route: '/executions/{executionId}',
        params: [executionId],
        deadline: options?.deadline
      })
      return response && toExecution(readJson(response), response)
    },
    /**
     * `filters[…]` from 1.1, the flat parameters before (1.x ignores those once one `filters[…]` is present,
     * docs/kestra.md#search-executions); only this flow's executions carrying every label, oldest first.
     */
    async findExecutions(
      query: ExecutionQuery,
      options?: { deadline?: number }
    ): Promise<Execution[]> {
      const version = parseVersion((await http.info()).version)
      const [major, minor] = version ?? [Infinity, 0]
      const legacy = major === 0 || (major === 1 && minor === 0)
      const found = await readPages(
        http,
        {
          name: `executions search of ${query.namespace}.${query.flowId}`,
          remedy: `a run's labels name a handful of executions, yet more than ${SEARCH_PAGES * SEARCH_PAGE} answered`,
          route: '/executions/search',
          query: legacy ? legacyFilters(query) : queryFilters(query),
          size: SEARCH_PAGE,
          maxPages: SEARCH_PAGES,
          key: rowIdOf,
          deadline: options?.deadline
        },
        toExecution
      )
      return found
        .filter(
          (execution) =>
            execution.namespace === query.namespace &&
            execution.flowId === query.flowId &&
            query.labels.every(([key, value]) =>
              execution.labels.some(([k, v]) => k === key && v === value)
            )
        )
        .sort((a, b) => Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? ''))
    }
  }
}

function queryFilters(query: ExecutionQuery): Record<string, string> {
  return {
    'filters[namespace][EQUALS]': query.namespace,
    'filters[flowId][EQUALS]': query.flowId,
    ...Object.fromEntries(
      query.labels.map(([key, value]) => [`filters[labels][EQUALS][${key}]`, value])
    )
  }
}

/** The flat parameters of Kestra before 1.1: `namespace` is a prefix there, hence the check on results. */
function legacyFilters(query: ExecutionQuery): Record<string, string | string[]> {
  return {
    namespace: query.namespace,
    flowId: query.flowId,
    labels: query.labels.map(([key, value]) => `${key}:${value}`)
  }
}

/**
 * The execution's page in the Kestra UI, from the action's base URL (the start's `url` depends on the server's
 * `kestra.url`; docs/kestra.md#execution-ui-link).
 */
export function executionUrl(
  uiBase: string,
  execution: Pick<Execution, 'namespace' | 'flowId' | 'id'>
): string {
  const path = [execution.namespace, execution.flowId, execution.id]
    .map(encodeURIComponent)
    .join('/')
  return `${uiBase}/executions/${path}`
}

/** The Kestra UI's base: `<server>/ui/<tenant>` on a tenant-scoped server, `<server>/ui` before (0.x). */
export function kestraUiBase(server: string, tenant: string | undefined): string {
  const root = `${server.replace(/\/+$/, '')}/ui`
  return tenant === undefined ? root : `${root}/${encodeURIComponent(tenant)}`
}

export function namespaceUrl(uiBase: string, namespace: string): string {
  return `${uiBase}/namespaces/edit/${encodeURIComponent(namespace)}`
}
