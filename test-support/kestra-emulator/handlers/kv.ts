/**
 * KV routes: value get/put/delete and the three listings (names and metadata, never values), as Kestra
 * 1.3.25's `KVController` and `AbstractJdbcKvMetadataRepository` answer them.
 */
import {
  emptyReply,
  jsonReply,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { illegalArgument, notFound, resourceExpired } from '../errors.js'
import { compare } from '../namespace-files.js'
import type { KvEntry, KvType } from '../store.js'
import {
  byKeys,
  pageParams,
  queryFilters,
  slice,
  sortKeys,
  TEXT_OPERATORS,
  unsupportedFilter,
  valuesOf
} from '../paged-search.js'

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

export function handlePutKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const key = validKey(ctx)
  const { type, value } = typedValue(ctx.body.toString('utf8'), core)
  storeKv(core.state.kvOf(ctx.tenant, ctx.params.namespace!), key, {
    type,
    value,
    ttl: header(ctx, 'ttl'),
    description: header(ctx, 'description')
  })
  return emptyReply()
}

/** Writes the next revision of a key; `ttl` is an ISO-8601 duration from now. */
export function storeKv(
  entries: Map<string, KvEntry>,
  key: string,
  input: { type: KvType; value: unknown; ttl?: string; description?: string }
): void {
  const now = Date.now()
  const previous = entries.get(key)
  const entry: KvEntry = {
    type: input.type,
    value: input.value,
    revision: (previous?.revision ?? 0) + 1,
    created: previous?.created ?? now,
    updated: now,
    description: input.description
  }
  if (input.ttl !== undefined) entry.expiresAt = now + durationMs(input.ttl)
  entries.set(key, entry)
}

export function handleGetKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const key = validKey(ctx)
  const namespace = ctx.params.namespace!
  const entry = core.state.kvOf(ctx.tenant, namespace).get(key)
  if (!entry) throw notFound(`No value found for key '${key}' in namespace '${namespace}'`)
  if (isExpired(entry)) throw resourceExpired('The requested value has expired')
  const body: Record<string, unknown> = { type: entry.type, value: entry.value }
  if (core.features.multipartValidate) {
    body.revision = entry.revision
    body.updated = new Date(entry.updated).toISOString()
  }
  return jsonReply(body)
}

export function handleDeleteKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const key = validKey(ctx)
  return jsonReply(core.state.kvOf(ctx.tenant, ctx.params.namespace!).delete(key))
}

/** `GET …/namespaces/{ns}/kv`: exactly that namespace, latest version, expired keys left out. */
export function handleListKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  const entries = liveEntries(core, ctx.tenant, namespace).sort((a, b) => compare(a.key, b.key))
  return jsonReply(entries.map((entry) => entryJson(entry, core)))
}

/**
 * `GET …/namespaces/{ns}/kv/inheritance` (`KVController` 1.3.25 :78-106): the ancestors only
 * (`a.b.c` → `a.b`, `a`), nearest first; a key already met in a nearer ancestor is dropped.
 */
export function handleKvInheritance(ctx: RequestContext, core: EmulatorCore): Reply {
  const parts = ctx.params.namespace!.split('.')
  const seen = new Set<string>()
  const found: LiveEntry[] = []
  for (let depth = parts.length - 1; depth >= 1; depth--) {
    const ancestor = parts.slice(0, depth).join('.')
    for (const entry of liveEntries(core, ctx.tenant, ancestor)) {
      if (seen.has(entry.key)) continue
      seen.add(entry.key)
      found.push(entry)
    }
  }
  return jsonReply(found.map((entry) => entryJson(entry, core)))
}

const DATE_OPERATORS: Record<string, (actual: number, expected: number) => boolean> = {
  EQUALS: (a, e) => a === e,
  NOT_EQUALS: (a, e) => a !== e,
  GREATER_THAN: (a, e) => a > e,
  GREATER_THAN_OR_EQUAL_TO: (a, e) => a >= e,
  LESS_THAN: (a, e) => a < e,
  LESS_THAN_OR_EQUAL_TO: (a, e) => a <= e
}

/** Fields `QueryFilter.Resource.KV_METADATA` declares, with the operations each accepts. */
const KV_FILTERS: Record<string, string[]> = {
  q: ['EQUALS', 'NOT_EQUALS'],
  namespace: Object.keys(TEXT_OPERATORS),
  updated: Object.keys(DATE_OPERATORS),
  expirationDate: Object.keys(DATE_OPERATORS)
}

/**
 * The paged `GET …/kv` across namespaces (`KVController` :58-67, `AbstractJdbcKvMetadataRepository`
 * :69-93): filters validated for KV metadata (another field or operation is a 400), expired keys left
 * out, `sort=key:…` on the name, the store's order otherwise.
 */
export function handleSearchKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const page = pageParams(ctx.query, 'listAllKeys', 10)
  const predicates = queryFilters(ctx.query).map((filter) => {
    if (!KV_FILTERS[filter.field]?.includes(filter.op)) throw unsupportedFilter(filter)
    return kvPredicate(filter.field, filter.op, valuesOf(filter))
  })
  const sorter = kvSort(ctx)
  const found = core.state
    .kvNamespaces(ctx.tenant)
    .flatMap((namespace) => liveEntries(core, ctx.tenant, namespace))
    .filter((entry) => predicates.every((matches) => matches(entry)))
  if (sorter) found.sort(sorter)
  return jsonReply({
    results: slice(found, page).map((entry) => entryJson(entry, core)),
    total: found.length
  })
}

interface LiveEntry {
  namespace: string
  key: string
  entry: KvEntry
}

function liveEntries(core: EmulatorCore, tenant: string, namespace: string): LiveEntry[] {
  return [...core.state.kvOf(tenant, namespace).entries()]
    .filter(([, entry]) => !isExpired(entry))
    .map(([key, entry]) => ({ namespace, key, entry }))
}

/** `KVEntry` JSON: 1.3 adds namespace, version and description; 2.0 says `revision`. */
function entryJson({ namespace, key, entry }: LiveEntry, core: EmulatorCore) {
  const item: Record<string, unknown> = {}
  if (core.features.kvEntryDetails) item.namespace = namespace
  item.key = key
  if (core.features.kvEntryDetails) {
    item[core.features.kvRevisionField ? 'revision' : 'version'] = entry.revision
    if (entry.description !== undefined) item.description = entry.description
  }
  item.creationDate = new Date(entry.created).toISOString()
  item.updateDate = new Date(entry.updated).toISOString()
  if (entry.expiresAt !== undefined) item.expirationDate = new Date(entry.expiresAt).toISOString()
  return item
}

function kvPredicate(field: string, op: string, values: string[]): (entry: LiveEntry) => boolean {
  if (field === 'namespace') return ({ namespace }) => TEXT_OPERATORS[op](namespace, values)
  if (field === 'q') {
    const needle = values[0].toLowerCase()
    const contains = (key: string) => key.toLowerCase().includes(needle)
    return ({ key }) => (op === 'EQUALS' ? contains(key) : !contains(key))
  }
  const at = Date.parse(values[0])
  if (Number.isNaN(at)) throw illegalArgument(`Invalid date: ${values[0]}`)
  const operator = DATE_OPERATORS[op]
  return ({ entry }) => {
    const date = field === 'updated' ? entry.updated : entry.expiresAt
    return date !== undefined && operator(date, at)
  }
}

/** `key` maps to the `name` column; the namespace is sortable too; other fields are refused. */
function kvSort(ctx: RequestContext): ((a: LiveEntry, b: LiveEntry) => number) | undefined {
  const keys = sortKeys(ctx.query, ['key', 'namespace'])
  return keys.length === 0 ? undefined : byKeys(keys, (entry, field) => entry[field as 'key'])
}

/** The value and its KV type as a seed or a JSON value would be typed. */
export function typeOf(value: unknown): KvType {
  if (typeof value === 'string') return DURATION.test(value) ? 'DURATION' : 'STRING'
  if (typeof value === 'number') return 'NUMBER'
  if (typeof value === 'boolean') return 'BOOLEAN'
  return 'JSON'
}

/** The body is Ion (a JSON superset): unquoted dates/timestamps are typed, the rest is JSON. */
function typedValue(body: string, core: EmulatorCore): { type: KvType; value: unknown } {
  const trimmed = body.trim()
  if (DATE.test(trimmed)) return { type: 'DATE', value: trimmed }
  if (DATETIME.test(trimmed)) return { type: 'DATETIME', value: trimmed }
  try {
    const value: unknown = JSON.parse(trimmed)
    return { type: typeOf(value), value }
  } catch {
    if (!core.features.kvRawStringFallback) {
      throw illegalArgument(`Invalid JSON value for: ${body}`)
    }
    return { type: 'STRING', value: body }
  }
}

function validKey(ctx: RequestContext): string {
  const key = ctx.params.key!
  if (!KEY.test(key)) {
    throw illegalArgument(
      'Key must start with an alphanumeric character (uppercase or lowercase) and can contain alphanumeric characters (uppercase or lowercase), dots (.), underscores (_), and hyphens (-) only.'
    )
  }
  return key
}

function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function isExpired(entry: KvEntry): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= Date.now()
}

/** ISO-8601 duration to milliseconds (years and months approximated as 365 and 30 days). */
function durationMs(text: string): number {
  const match =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text
    )
  if (!match) throw illegalArgument(`Invalid ttl: ${text}`)
  const [, y, mo, w, d, h, mi, s] = match.map((v) => Number(v ?? 0))
  const days = y * 365 + mo * 30 + w * 7 + d
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000
}
