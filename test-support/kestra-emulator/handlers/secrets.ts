/**
 * Secret listings: names only, never a value. OSS 1.3.25 (`SecretController`, `NamespaceSecretController`,
 * `SecretService`): global env-var secrets, upper-cased names, read-only. EE: secrets belong to a
 * namespace and are inherited from its parents; Kestra publishes only the EE API spec, not its code, so
 * EE's filtering, order and inheritance rule here are assumptions drawn from that spec and from the UI's
 * "inherit them from parent to child namespaces".
 */
import { jsonReply, type EmulatorCore, type Reply, type RequestContext } from '../context.js'
import { illegalArgument } from '../errors.js'
import type { SecretName } from '../store.js'
import {
  byKeys,
  pageParams,
  queryFilters,
  slice,
  sortKeys,
  TEXT_OPERATORS,
  unsupportedFilter,
  valuesOf,
  type QueryFilter
} from '../paged-search.js'

/**
 * `GET P/secrets?page&size&sort&filters`. OSS reads only `filters[q][EQUALS|NOT_EQUALS]` (a
 * case-insensitive substring), refuses another operation on `q` and ignores every other filter; `sort`
 * is parsed but the list is not sorted: the page is a slice of the name map's own order.
 */
export function handleListSecrets(ctx: RequestContext, core: EmulatorCore): Reply {
  const page = pageParams(ctx.query, 'listSecrets', 10)
  sortKeys(ctx.query)
  const names = core.state.secretsOf(ctx.tenant)
  if (core.options.edition === 'OSS') {
    const matches = ossQuery(queryFilters(ctx.query))
    const found = javaHashMapOrder(names.map((name) => name.key)).filter(matches)
    return listReply(
      core,
      slice(found, page).map((key) => ({ key })),
      found.length
    )
  }
  const found = names.filter(eeFilter(queryFilters(ctx.query)))
  return listReply(core, slice(found, page).map(eeMeta), found.length)
}

/**
 * `GET P/namespaces/{ns}/secrets` (deprecated). OSS: every global name whatever the namespace, `q` a
 * case-insensitive substring, sortable by `key`. EE: the namespace's own secrets.
 */
export function handleListNamespaceSecrets(ctx: RequestContext, core: EmulatorCore): Reply {
  const page = pageParams(ctx.query, 'listNamespaceSecrets', 10)
  const keys = sortKeys(ctx.query, ['key'])
  const query = queryFilters(ctx.query).find((filter) => filter.field === 'q')
  const text = query && valuesOf(query)[0]
  const contains = (key: string) =>
    text === undefined || key.toLowerCase().includes(text.toLowerCase())
  const names = core.state.secretsOf(ctx.tenant)
  const own =
    core.options.edition === 'OSS'
      ? javaHashMapOrder(names.map((name) => name.key)).map((key) => ({ key }))
      : names.filter((name) => name.namespace === ctx.params.namespace)
  const found = own.filter((name) => contains(name.key))
  if (keys.length > 0) found.sort(byKeys(keys, (name) => name.key))
  const results = slice(found, page)
  return listReply(
    core,
    core.options.edition === 'OSS' ? results : results.map(eeMeta),
    found.length
  )
}

/**
 * `GET P/namespaces/{ns}/inherited-secrets` → `{ "<namespace>": ["NAME", …] }`. OSS: the namespace maps
 * to every global name. EE (assumed): the namespace itself (unless configured otherwise) and each
 * ancestor that holds secrets, nearest first, each with its own names.
 */
export function handleInheritedSecrets(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  const names = core.state.secretsOf(ctx.tenant)
  if (core.options.edition === 'OSS') {
    return jsonReply({ [namespace]: javaHashMapOrder(names.map((name) => name.key)) })
  }
  const parts = namespace.split('.')
  const answer: Record<string, string[]> = {}
  const first = core.options.inheritedSecretsIncludeOwn ? parts.length : parts.length - 1
  for (let depth = first; depth >= 1; depth--) {
    const scope = parts.slice(0, depth).join('.')
    const keys = names.filter((name) => name.namespace === scope).map((name) => name.key)
    if (keys.length > 0) answer[scope] = keys
  }
  return jsonReply(answer)
}

/** `ApiSecretListResponse`: OSS secrets are environment variables, so the list says `readOnly`. */
function listReply(core: EmulatorCore, results: unknown[], total: number): Reply {
  return jsonReply({ readOnly: core.options.edition === 'OSS', results, total })
}

function ossQuery(filters: QueryFilter[]): (key: string) => boolean {
  const tests = filters
    .filter((filter) => filter.field === 'q')
    .map(({ op, values }) => {
      if (op !== 'EQUALS' && op !== 'NOT_EQUALS') {
        throw illegalArgument(`Unsupported operation for QUERY filter: ${op}`)
      }
      const needle = values[0]!.toLowerCase()
      return (key: string) => key.toLowerCase().includes(needle) === (op === 'EQUALS')
    })
  return (key) => tests.every((test) => test(key))
}

/** `QueryFilter.Resource.SECRET_METADATA` declares `q` and `namespace`; another field is a 400. */
function eeFilter(filters: QueryFilter[]): (name: SecretName) => boolean {
  const tests = filters.map((filter) => {
    if (filter.field === 'q') return (name: SecretName) => ossQuery([filter])(name.key)
    const operator = TEXT_OPERATORS[filter.op]
    if (filter.field !== 'namespace' || !operator) throw unsupportedFilter(filter)
    const values = valuesOf(filter)
    return (name: SecretName) => operator(name.namespace ?? '', values)
  })
  return (name) => tests.every((test) => test(name))
}

/** `ApiSecretMetaEE`: key, namespace, description, tags. */
function eeMeta(name: SecretName): Record<string, unknown> {
  const meta: Record<string, unknown> = { key: name.key, namespace: name.namespace }
  if (name.description !== undefined) meta.description = name.description
  meta.tags = []
  return meta
}

/**
 * The iteration order of a `java.util.HashMap` holding these keys (default capacity 16, load factor
 * 0.75, `hash = h ^ (h >>> 16)`, insertion order within a bucket): the "map order" OSS pages through.
 */
export function javaHashMapOrder(keys: string[]): string[] {
  let capacity = 16
  while (keys.length > capacity * 0.75) capacity *= 2
  const buckets: string[][] = Array.from({ length: capacity }, () => [])
  for (const key of keys) {
    const h = javaHashCode(key)
    buckets[(h ^ (h >>> 16)) & (capacity - 1)].push(key)
  }
  return buckets.flat()
}

/** `String.hashCode()`: 31-based polynomial over UTF-16 code units, in 32-bit arithmetic. */
function javaHashCode(text: string): number {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0
  return hash
}
