import { readJsonObject, type ScopedHttp } from './scoped-http.js'
import { pathSegment } from '../model/path-segment.js'

/** `P/namespaces/{ns}/kv/{key}` (docs/kestra.md). */
export function kvApi(http: ScopedHttp) {
  const entry = (namespace: string, key: string) => ({
    path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
    route: '/namespaces/{namespace}/kv/{key}'
  })
  return {
    /** Undefined when absent (404) or expired (410); `first`: ahead of the requests waiting for a place. */
    async getKv(namespace: string, key: string, first = false): Promise<unknown> {
      const response = await http.send({
        method: 'GET',
        ...entry(namespace, key),
        allow: [404, 410],
        first
      })
      if (response.status === 404 || response.status === 410) return undefined
      return readJsonObject(response).value
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
