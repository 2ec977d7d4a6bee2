import { readJsonObject } from './json.js'
import type { ScopedHttp } from './scoped-http.js'

const PAGE_SIZE = 100

/**
 * `GET /namespaces/search` (docs/kestra.md#namespaces): OSS lists the namespaces of existing flows and
 * their parents (a namespace holding only files or KV entries is not listed), EE its namespace entities.
 */
export class NamespacesEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  /** Every listed namespace whose id starts with `prefix`, sorted. */
  async startingWith(prefix: string): Promise<string[]> {
    const found = new Set<string>()
    for (let page = 1; ; page++) {
      const response = await this.http.send({
        method: 'GET',
        path: '/namespaces/search',
        route: '/namespaces/search',
        query: { q: prefix, page: String(page), size: String(PAGE_SIZE) }
      })
      const body = readJsonObject(response)
      const results = Array.isArray(body.results) ? body.results : []
      for (const result of results) {
        const id = (result as { id?: unknown } | null)?.id
        if (typeof id === 'string' && id.startsWith(prefix)) found.add(id)
      }
      if (results.length < PAGE_SIZE) break
    }
    return [...found].sort()
  }
}
