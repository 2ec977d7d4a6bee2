import type { Execution } from './api.js'
import { ApiError } from './errors.js'
import { readJson } from './json.js'
import { multipartFields } from './multipart.js'
import type { ScopedHttp } from './scoped-http.js'
import type { HttpResponse } from './transport.js'

const seg = encodeURIComponent

/** `POST …/executions/{namespace}/{id}` and `GET …/executions/{id}` (docs/kestra.md#executions). */
export class ExecutionsEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  /**
   * Multipart only, one text part per input; `wait` stays false: the run is polled
   * (docs/kestra.md#start-an-execution).
   */
  async start(namespace: string, id: string, inputs: [string, string][]): Promise<Execution> {
    const { contentType, body } = multipartFields(inputs)
    const response = await this.http.send({
      method: 'POST',
      path: `/executions/${seg(namespace)}/${seg(id)}`,
      route: '/executions/{namespace}/{id}',
      headers: { 'content-type': contentType },
      body
    })
    return toExecution(response)
  }

  async get(executionId: string): Promise<Execution | undefined> {
    const response = await this.http.send({
      method: 'GET',
      path: `/executions/${seg(executionId)}`,
      route: '/executions/{executionId}',
      allow: [404]
    })
    return response.status === 404 ? undefined : toExecution(response)
  }
}

/** An `Execution` (or the start's `ExecutionResponse`, which some clients type as an array of one). */
function toExecution(response: HttpResponse): Execution {
  const raw = readJson(response)
  const value = (Array.isArray(raw) ? raw[0] : raw) as Record<string, unknown> | undefined
  const state = value?.state as Record<string, unknown> | undefined
  if (
    typeof value?.id !== 'string' ||
    typeof state?.current !== 'string' ||
    typeof value.namespace !== 'string' ||
    typeof value.flowId !== 'string'
  ) {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: 'the answer is not an execution (no id, namespace, flowId or state)'
    })
  }
  const date = (v: unknown) => (typeof v === 'string' ? v : undefined)
  return {
    id: value.id,
    namespace: value.namespace,
    flowId: value.flowId,
    state: state.current,
    ...(date(state.startDate) && { startDate: date(state.startDate) }),
    ...(date(state.endDate) && { endDate: date(state.endDate) })
  }
}

/**
 * The execution's page in the Kestra UI, built from the action's base URL (the start's `url` depends on
 * the server's `kestra.url` setting): `<base>/ui/<tenant>/executions/…` on tenant-scoped servers
 * (docs/kestra.md#execution-ui-link).
 */
export function executionUrl(
  server: string,
  tenant: string | undefined,
  execution: Pick<Execution, 'namespace' | 'flowId' | 'id'>
): string {
  const path = [tenant, 'executions', execution.namespace, execution.flowId, execution.id]
    .filter((part): part is string => part !== undefined)
    .map(seg)
    .join('/')
  return `${server.replace(/\/+$/, '')}/ui/${path}`
}
