import { readJsonObject, type ScopedHttp } from './scoped-http.js'
import { pathSegment } from '../model/path-segment.js'

export class KvEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  /**
   * The stored value, or undefined when the key is absent (404) or expired (410); `first`: ahead of the
   * requests waiting for a place.
   */
  async get(namespace: string, key: string, first = false): Promise<unknown> {
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
      route: '/namespaces/{namespace}/kv/{key}',
      allow: [404, 410],
      first
    })
    if (response.status === 404 || response.status === 410) return undefined
    return readJsonObject(response).value
  }

  /** The body is a JSON literal: the server parses it as Ion, older servers as JSON. */
  async put(namespace: string, key: string, value: unknown): Promise<void> {
    await this.http.send({
      method: 'PUT',
      path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
      route: '/namespaces/{namespace}/kv/{key}',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(value) ?? 'null'
    })
  }

  /** Removes the key; an absent key is no error (the server answers `false`). */
  async delete(namespace: string, key: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
      route: '/namespaces/{namespace}/kv/{key}'
    })
  }
}
