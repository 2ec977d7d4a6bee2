import { z } from 'zod'
import { LISTED_AT_MOST, readPages } from './listings.js'
import { readAnswer, type ScopedHttp } from './scoped-http.js'
import { pathSegment } from '../model/path-segment.js'

const YAML = { 'content-type': 'application/x-yaml' }

/** A YAML resource as the server answers it: its id and the source it keeps. */
const resourceAnswer = z.object({ id: z.string(), source: z.string() })
type RemoteYamlResource = z.infer<typeof resourceAnswer>
/** A listed resource; a row without an id or a source is none. */
const listedRow = resourceAnswer.extend({ namespace: z.unknown(), deleted: z.unknown() })

/**
 * What a kind reads and writes of a Kestra resource kept as YAML by namespace and id
 * (docs/kestra.md#yaml-resources): test suites, `P/tests`.
 */
export interface YamlResourcesApi {
  /** Every live resource of exactly this namespace; undefined when the server has no such route. */
  list(namespace: string): Promise<RemoteYamlResource[] | undefined>
  /** The source the server keeps, or undefined when it holds no such resource. */
  get(namespace: string, id: string): Promise<string | undefined>
  create(source: string): Promise<void>
  /** False when the server holds no such resource. */
  update(namespace: string, id: string, source: string): Promise<boolean>
  /** False when the server held no such resource. */
  delete(namespace: string, id: string): Promise<boolean>
}

/**
 * `P/<collection>` routes shaped as Kestra's controllers for YAML resources serve them: `POST` the YAML,
 * `GET`/`PUT`/`DELETE /{namespace}/{id}`, `GET /search?namespace=` paged (docs/kestra.md#yaml-resources).
 */
export function yamlResources(http: ScopedHttp, collection: string): YamlResourcesApi {
  const base = `/${pathSegment(collection)}`
  const one = (namespace: string, id: string) =>
    `${base}/${pathSegment(namespace)}/${pathSegment(id)}`
  const route = `${base}/{namespace}/{id}`
  return {
    list: (namespace) =>
      readPages(
        http,
        {
          name: `${collection} listing`,
          remedy: `a namespace holds at most ${LISTED_AT_MOST} of them`,
          path: `${base}/search`,
          query: { namespace, includeChildNamespaces: 'false', sort: 'id:asc' },
          key: (row) => listedRow.safeParse(row).data?.id,
          missing: true
        },
        (row) => {
          const found = listedRow.safeParse(row).data
          // A child namespace's resource is not this namespace's, whatever the server's filter did.
          return found && found.namespace === namespace && found.deleted !== true
            ? { id: found.id, source: found.source }
            : undefined
        }
      ),
    async get(namespace, id) {
      const response = await http.send({
        method: 'GET',
        path: one(namespace, id),
        route,
        allow: [404]
      })
      if (response.status === 404) return undefined
      return readAnswer(
        response,
        resourceAnswer.pick({ source: true }),
        'the resource with its source'
      ).source
    },
    async create(source) {
      await http.send({ method: 'POST', path: base, route: base, headers: YAML, body: source })
    },
    async update(namespace, id, source) {
      const response = await http.send({
        method: 'PUT',
        path: one(namespace, id),
        route,
        headers: YAML,
        body: source,
        allow: [404]
      })
      return response.status !== 404
    },
    async delete(namespace, id) {
      const response = await http.send({
        method: 'DELETE',
        path: one(namespace, id),
        route,
        allow: [404]
      })
      // A request sent again most likely found what its first attempt had deleted.
      return response.status < 400 || response.attempts > 1
    }
  }
}
