import type { Execution, Label, ServerInfo } from '../../model/kestra.js'
import { type HttpResponse, unreadableAnswer } from './transport.js'
import { ActionError } from '../../model/errors.js'
import { atLeast, parseVersion } from '../../model/version.js'
import { ApiError } from './errors.js'
import { z } from 'zod'
import { pathOf, readAnswer, readJsonArray, type ScopedHttp } from './scoped-http.js'

/** Names asked for per page: a tenant holds hundreds of secrets or keys at most, so one page answers. */
const PAGE = 500

/** Older than any execution: past the 8-day window the search applies when no start date is given. */
const EARLIEST_START = '1970-01-01T00:00:00Z'

const SECRETS_REMEDY = 'a review checks at most 20,000 secret names: remove secrets nothing uses'

/** Pages a review's listing reads at most (20,000 items); one that goes on is an error, never a cut. */
const MAX_PAGES = 40

/** A paged `{results, total}` route of Kestra, as one listing reads it (docs/kestra.md#paged-listings). */
interface PagedListing {
  /** For the errors: "the dashboards listing". */
  name: string
  remedy: string
  route: string
  params?: readonly string[]
  query: Record<string, string | readonly string[]>
  size?: number
  maxPages?: number
  /** The row's identity (an id, a name); rows without one are told apart by their whole JSON. */
  key(row: unknown): string | undefined
  deadline?: number
}

/**
 * Every row of a paged listing, each once, or an error naming the listing: the reading ends on a short page; a
 * full page that brings nothing new (`page` ignored), a listing still full after `maxPages` pages and a last
 * page short of the announced `total` are errors. `total` never ends the reading early, so it cannot cut it.
 */
export async function readPages<T>(
  http: ScopedHttp,
  asked: PagedListing,
  item: (row: unknown, response: HttpResponse) => T | undefined
): Promise<T[]> {
  const listing = { ...DEFAULT_PAGES, ...asked }
  const found = new Map<string, T | undefined>()
  for (let page = 1; page <= listing.maxPages; page++) {
    const response = await http.send({
      method: 'GET',
      route: listing.route,
      params: listing.params,
      query: { ...listing.query, page: String(page), size: String(listing.size) },
      ...(listing.deadline !== undefined && { deadline: listing.deadline })
    })
    const { results: rows, total } = readAnswer(response, paged, '{results, total}')
    let fresh = 0
    for (const row of rows) {
      const key = listing.key(row) ?? `row ${JSON.stringify(row)}`
      if (found.has(key)) continue
      found.set(key, item(row, response))
      fresh++
    }
    if (rows.length < listing.size) {
      if (total !== undefined && found.size < total) {
        throw new ListingError(
          `Kestra's ${listing.name} (${where(response)}) announced ${total} but its pages held ${found.size}: the listing changed while it was read, or the server (or a proxy in front of it) cuts it. Nothing was decided on a part of it; run again, and if it persists check what answers that route.`
        )
      }
      return [...found.values()].filter((value): value is T => value !== undefined)
    }
    if (fresh === 0) {
      throw new ListingError(
        `Kestra's ${listing.name} (${where(response)}) answered page ${page} with nothing it had not already sent: the server (or a proxy in front of it) ignores the page parameter, so the rest cannot be read. Nothing was decided on a part of it; check what answers that route.`
      )
    }
  }
  throw new UnendedListingError(
    `Kestra's ${listing.name} did not end: ${listing.maxPages} full pages of ${listing.size} were read (${found.size} items) and it still went on. Nothing was decided on a part of it; ${listing.remedy}, or check that the server (or a proxy in front of it) honours the page and size parameters of ${pathOf(listing.route, listing.params)}.`
  )
}

/** Rows a page asks for, and pages a listing reads at most (10,000 rows), unless it names its own. */
const DEFAULT_PAGES = { size: 100, maxPages: 100 }
export const LISTED_AT_MOST = DEFAULT_PAGES.size * DEFAULT_PAGES.maxPages

/** `{"<namespace>": ["NAME", …]}`. */
const namesByNamespace = z.record(z.string(), z.array(z.unknown()).catch([]))

/** `total` is only checked against: a server may leave it out. */
const paged = z.object({
  results: z.array(z.unknown()),
  total: z.number().optional().catch(undefined)
})

/** A listing that could not be read whole (docs/kestra.md#paged-listings). */
export class ListingError extends ActionError {
  override name = 'ListingError'
}

class UnendedListingError extends ListingError {}

function where(response: HttpResponse): string {
  return `${response.method} ${response.path.replace(/\?.*$/, '')}`
}

/**
 * Characters of the names one search names, commas sent as `%2C`: with the route, the other filters (about 450
 * bytes) and room for a tenant and base path, the request line stays within Micronaut's default 4,096 bytes
 * (docs/kestra.md#search-executions).
 */
export const SEARCHED_NAMES_CHARS = 2500

interface KvKeyReads {
  info(): Promise<ServerInfo>
  kvKeys(namespaces: readonly string[]): Promise<{ namespace?: string; key: string }[]>
  namespaceKvKeys(namespace: string): Promise<string[]>
}

/**
 * The live KV keys of each namespace (docs/kestra.md#kv-listings), never a value: one paged search where entries
 * name their namespace (1.3 on, the only listing 2.0 keeps); before, or on a 404, one listing per namespace.
 */
export async function liveKvKeys(
  api: KvKeyReads,
  namespaces: string[]
): Promise<Record<string, string[]>> {
  const version = parseVersion((await api.info()).version)
  const named = !version || atLeast(version, [1, 3, 0])
  // Consecutive groups, each naming at most `SEARCHED_NAMES_CHARS` (one longer name alone).
  const groups = searchesOf(namespaces.map((namespace) => ({ namespace, flowIds: [] })))
  const search = () => Promise.all(groups.map((group) => api.kvKeys(group.namespaces)))
  const entries = named ? (await unlessMissing(search()))?.flat() : undefined
  if (entries?.every((entry) => entry.namespace !== undefined)) {
    const byNamespace: Record<string, string[]> = Object.fromEntries(
      namespaces.map((ns) => [ns, []])
    )
    for (const { namespace, key } of entries) byNamespace[namespace!]?.push(key)
    return byNamespace
  }
  const lists = await Promise.all(namespaces.map((ns) => api.namespaceKvKeys(ns)))
  return Object.fromEntries(namespaces.map((ns, i) => [ns, lists[i]!]))
}

/** Undefined when the server lacks the route (404); any other failure is thrown. */
export async function unlessMissing<T>(reading: Promise<T>): Promise<T | undefined> {
  try {
    return await reading
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined
    throw error
  }
}

export interface FlowGroup {
  namespace: string
  flowIds: readonly string[]
}

/**
 * The groups packed, in order, into searches naming at most `SEARCHED_NAMES_CHARS` of namespaces and flow ids (one
 * longer pair alone): a namespace's many flows split over several, namespaces with few flows share one; a group
 * without flow ids names its namespace alone. Names hold no comma (docs/validation-rules.md).
 */
function searchesOf(groups: readonly FlowGroup[]): { namespaces: string[]; flowIds: string[] }[] {
  const searches: { namespaces: Set<string>; flowIds: Set<string>; chars: number }[] = []
  const more = (name: string | undefined, names: Set<string> | undefined) =>
    name === undefined || names?.has(name) ? 0 : name.length + 3
  for (const { namespace, flowIds } of groups) {
    for (const id of flowIds.length > 0 ? flowIds : [undefined]) {
      let last = searches.at(-1)
      const chars = more(namespace, last?.namespaces) + more(id, last?.flowIds)
      if (!last || last.chars + chars > SEARCHED_NAMES_CHARS) {
        last = { namespaces: new Set(), flowIds: new Set(), chars: 0 }
        searches.push(last)
      }
      last.chars += more(namespace, last.namespaces) + more(id, last.flowIds)
      last.namespaces.add(namespace)
      if (id !== undefined) last.flowIds.add(id)
    }
  }
  return searches.map((search) => ({
    namespaces: [...search.namespaces],
    flowIds: [...search.flowIds]
  }))
}

/**
 * What a review lists (docs/caught-at-review.md): secret names and KV keys, never a value, and executions not
 * finished (docs/kestra.md#secrets, #kv-listings, #search-executions); and the namespaces a preview's removal
 * seeks.
 */
export function listingsApi(http: ScopedHttp) {
  const paged = <T>(
    listing: Omit<PagedListing, 'size' | 'maxPages' | 'deadline'>,
    item: (raw: unknown, response: HttpResponse) => T | undefined
  ): Promise<T[]> => readPages(http, { ...listing, size: PAGE, maxPages: MAX_PAGES }, item)

  const executionSearch = (
    namespaces: readonly string[],
    query: PagedListing['query']
  ): Promise<Execution[]> =>
    paged(
      {
        name: `executions search of ${namespaces.join(', ')}`,
        remedy: `more than ${MAX_PAGES * PAGE} executions not finished were found for the flows this deploy updates or deletes in ${namespaces.join(', ')}: let them end (or kill them) before deploying`,
        route: '/executions/search',
        query,
        key: rowIdOf
      },
      // A row is one execution, never an array of one.
      (row, response) =>
        toExecution(Array.isArray(row) ? undefined : row, response, 'an item of the answer')
    )

  const searchExecutions = async (
    { namespaces, flowIds }: { namespaces: string[]; flowIds: string[] },
    states: readonly string[],
    groups: readonly FlowGroup[]
  ): Promise<Execution[]> => {
    try {
      return await executionSearch(namespaces, {
        'filters[namespace][IN]': namespaces.join(','),
        'filters[flowId][IN]': flowIds.join(','),
        'filters[state][IN]': states.join(','),
        'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': EARLIEST_START
      })
    } catch (error) {
      if (!(error instanceof UnendedListingError) || namespaces.length === 1) throw error
      const alone = namespaces.map((namespace) =>
        executionsOf(
          groups
            .filter((group) => group.namespace === namespace)
            .map((group) => ({
              namespace,
              flowIds: group.flowIds.filter((id) => flowIds.includes(id))
            })),
          states,
          false
        )
      )
      return (await Promise.all(alone)).flat()
    }
  }

  /**
   * The executions of these flows that are in one of `states`, every page, each flow's whatever its age
   * (docs/kestra.md#search-executions). `filters[…]` (1.1 on): the namespaces and flows packed into as few
   * searches as the request line allows (`searchesOf`), each an `IN` of both, and a start-date lower bound
   * older than any run, since without one the server only searches the last 8 days; a pair the search
   * matched but no group names is dropped, and an execution two searches found counts once. A search of
   * several namespaces that does not end within its pages is asked again per namespace, so that only the
   * flows concerned count against the bound. The flat parameters before: one search per namespace,
   * `namespace` a prefix there (hence the exact match on the results), `flowId` naming one flow only, and
   * from 0.22 the same 8-day default applies, so `startDate` is sent too.
   */
  const executionsOf = async (
    groups: readonly FlowGroup[],
    states: readonly string[],
    legacy: boolean
  ): Promise<Execution[]> => {
    const wanted = new Set(
      groups.flatMap(({ namespace, flowIds }) => flowIds.map((id) => `${namespace} ${id}`))
    )
    const found = legacy
      ? await Promise.all(
          groups.map(({ namespace, flowIds }) =>
            executionSearch([namespace], {
              namespace,
              ...(flowIds.length === 1 && { flowId: flowIds[0]! }),
              state: states,
              startDate: EARLIEST_START
            })
          )
        )
      : await Promise.all(
          searchesOf(groups).map((search) => searchExecutions(search, states, groups))
        )
    // Two searches of a namespace split over them can both match an execution: it counts once.
    const byId = new Map(found.flat().map((execution) => [execution.id, execution]))
    return [...byId.values()].filter((execution) =>
      wanted.has(`${execution.namespace} ${execution.flowId}`)
    )
  }

  const secrets = (name: string, route: string, params?: string[]): Promise<string[]> =>
    paged({ name, remedy: SECRETS_REMEDY, route, params, query: {}, key: byKey }, byKey)

  return {
    executionsOf,
    /** `GET P/secrets`, every page: OSS answers every name of the tenant whatever the namespace. */
    secretNames: () => secrets('secrets listing', '/secrets'),
    /** `GET P/namespaces/{ns}/secrets`, every page: Enterprise answers the namespace's own secrets. */
    namespaceSecretNames: (namespace: string) =>
      secrets(`secrets listing of ${namespace}`, '/namespaces/{namespace}/secrets', [namespace]),
    /** `GET P/namespaces/{ns}/inherited-secrets`: `{"<namespace>": ["NAME", …]}`, every array joined. */
    async inheritedSecretNames(namespace: string): Promise<string[]> {
      const response = await http.send({
        method: 'GET',
        route: '/namespaces/{namespace}/inherited-secrets',
        params: [namespace]
      })
      return Object.values(readAnswer(response, namesByNamespace, 'names by namespace'))
        .flat()
        .filter((name) => typeof name === 'string')
    },
    /**
     * `GET P/kv?filters[namespace][IN]=…`: entries name their namespace from 1.3 only
     * (docs/kestra.md#kv-listings).
     */
    kvKeys: (namespaces: readonly string[]): Promise<{ namespace?: string; key: string }[]> =>
      paged(
        {
          name: 'KV listing',
          remedy:
            'a review checks at most 20,000 keys of the namespaces it deploys: remove keys no flow reads',
          route: '/kv',
          query: { 'filters[namespace][IN]': namespaces.join(',') },
          // Before 1.3 an entry names no namespace: the same key of two namespaces is two rows.
          key: (row: unknown) => {
            const namespace = named.safeParse(row).data?.namespace
            return namespace === undefined ? undefined : `${namespace} ${byKey(row)}`
          }
        },
        (item) => named.safeParse(item).data
      ),
    /** `GET P/namespaces/{ns}/kv` (0.18 to 1.3): the live keys of exactly this namespace. */
    async namespaceKvKeys(namespace: string): Promise<string[]> {
      const response = await http.send({
        method: 'GET',
        route: '/namespaces/{namespace}/kv',
        params: [namespace]
      })
      return readJsonArray(response).flatMap((item) => byKey(item) ?? [])
    },
    /**
     * For removing a preview (docs/environments.md#previews, docs/kestra.md#namespaces): OSS lists the namespaces
     * of existing flows and their parents (not one holding only files or KV), EE its namespace entities.
     */
    async namespacesStartingWith(prefix: string): Promise<string[]> {
      const ids = await readPages(
        http,
        {
          name: `namespaces search for ${prefix}`,
          remedy: `more than ${LISTED_AT_MOST} namespaces start with ${prefix}: remove them with Kestra's own tools`,
          route: '/namespaces/search',
          query: { q: prefix },
          key: rowIdOf
        },
        rowIdOf
      )
      return [...new Set(ids.filter((id) => id.startsWith(prefix)))].sort()
    }
  }
}

/** A secret or a KV entry as listed: its name, and from 1.3 a KV entry's namespace. */
const named = z.object({ key: z.string(), namespace: z.string().optional().catch(undefined) })

function byKey(row: unknown): string | undefined {
  return named.safeParse(row).data?.key
}

const rowId = z.object({ id: z.string() })
export function rowIdOf(row: unknown): string | undefined {
  return rowId.safeParse(row).data?.id
}

const text = z.string().optional().catch(undefined)
const label = z.object({ key: z.string(), value: z.string() })

const executionAnswer = z.object({
  id: z.string().min(1),
  namespace: z.string().min(1),
  flowId: z.string().min(1),
  state: z.object({ current: z.string().min(1), startDate: text, endDate: text }),
  // `[{key, value}]`; anything else is no label.
  labels: z
    .array(z.unknown())
    .catch([])
    .transform((items) =>
      items.flatMap((item): Label[] => {
        const read = label.safeParse(item).data
        return read ? [[read.key, read.value]] : []
      })
    )
    .default([])
})

/**
 * An `Execution` (or the start's `ExecutionResponse`, which some clients type as an array of one). One without an
 * id, flow or state fails the read: a guard never passes on an answer it cannot read.
 */
export function toExecution(raw: unknown, response: HttpResponse, what = 'the answer'): Execution {
  const read = executionAnswer.safeParse(Array.isArray(raw) ? raw[0] : raw)
  if (!read.success) {
    throw unreadableAnswer(
      response,
      `${what} is not an execution (no id, namespace, flowId or state)`
    )
  }
  const { state, ...execution } = read.data
  return {
    ...execution,
    state: state.current,
    ...(state.startDate && { startDate: state.startDate }),
    ...(state.endDate && { endDate: state.endDate })
  }
}
