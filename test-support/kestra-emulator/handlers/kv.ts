/** KV routes (docs/kestra.md#kv-store). */
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

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

export function handlePutKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const key = validKey(ctx)
  const { type, value } = typedValue(ctx.body.toString('utf8'), core)
  const entries = core.state.kvOf(ctx.tenant, ctx.params.namespace!)
  const now = Date.now()
  const previous = entries.get(key)
  const ttl = header(ctx, 'ttl')
  const entry: KvEntry = {
    type,
    value,
    revision: (previous?.revision ?? 0) + 1,
    created: previous?.created ?? now,
    updated: now,
    description: header(ctx, 'description')
  }
  if (ttl !== undefined) entry.expiresAt = now + durationMs(ttl)
  entries.set(key, entry)
  return emptyReply()
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

export function handleListKv(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  const entries = [...core.state.kvOf(ctx.tenant, namespace).entries()]
    .filter(([, entry]) => !isExpired(entry))
    .sort(([a], [b]) => compare(a, b))
  return jsonReply(
    entries.map(([key, entry]) => {
      const item: Record<string, unknown> = {}
      if (core.features.kvEntryDetails) item.namespace = namespace
      item.key = key
      if (core.features.kvEntryDetails) {
        item.version = entry.revision
        if (entry.description !== undefined) item.description = entry.description
      }
      item.creationDate = new Date(entry.created).toISOString()
      item.updateDate = new Date(entry.updated).toISOString()
      if (entry.expiresAt !== undefined) {
        item.expirationDate = new Date(entry.expiresAt).toISOString()
      }
      return item
    })
  )
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
