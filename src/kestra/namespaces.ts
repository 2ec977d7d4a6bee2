import { readPages } from './listings.js'
import type { ScopedHttp } from './scoped-http.js'

const PAGE_SIZE = 100
/** Pages read at most (10,000 namespaces); a search that goes on is an error. */
const MAX_PAGES = 100

/**
 * `GET /namespaces/search` (docs/kestra.md#namespaces): OSS lists the namespaces of existing flows and
 * their parents (a namespace holding only files or KV entries is not listed), EE its namespace entities.
 */
export class NamespacesEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  /** Every listed namespace whose id starts with `prefix`, sorted. */
  async startingWith(prefix: string): Promise<string[]> {
    const ids = await readPages(
      this.http,
      {
        name: `namespaces search for ${prefix}`,
        remedy: `more than ${MAX_PAGES * PAGE_SIZE} namespaces start with ${prefix}: remove them with Kestra's own tools`,
        path: '/namespaces/search',
        route: '/namespaces/search',
        query: { q: prefix },
        size: PAGE_SIZE,
        maxPages: MAX_PAGES,
        key: namespaceId
      },
      namespaceId
    )
    return [...new Set(ids.filter((id) => id.startsWith(prefix)))].sort()
  }
}

function namespaceId(row: unknown): string | undefined {
  const id = (row as { id?: unknown } | null)?.id
  return typeof id === 'string' ? id : undefined
}
