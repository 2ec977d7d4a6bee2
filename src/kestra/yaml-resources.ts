import { z } from 'zod'
import { LISTED_AT_MOST, readPages, unlessMissing } from './listings.js'
import { readAnswer, type ScopedHttp, YAML } from './scoped-http.js'
import { pathSegment } from '../model/path-segment.js'

const resourceAnswer = z.object({ id: z.string(), source: z.string() })
/** A listed resource; a row without an id or a source is none. */
const listedRow = resourceAnswer.extend({ namespace: z.unknown(), deleted: z.unknown() })

/**
 * What a kind reads and writes of a Kestra resource kept as YAML by namespace and id (test suites, `P/tests`):
 * `POST` the YAML, `GET`/`PUT`/`DELETE /{namespace}/{id}`, `GET /search?namespace=` paged
 * (docs/kestra.md#yaml-resources). Undefined or false: the server has no such route or resource.
 */
export function yamlResources(http: ScopedHttp, collection: string) {
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
