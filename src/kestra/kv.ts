import { readJsonObject, type ScopedHttp } from './scoped-http.js'

/** `P/namespaces/{ns}/kv/{key}` (docs/kestra.md). */
export function kvApi(http: ScopedHttp) {
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
