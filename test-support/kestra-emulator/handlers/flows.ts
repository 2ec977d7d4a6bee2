/** Flow routes (docs/kestra.md#flows). */
import { stringify } from 'yaml'
import {
  emptyReply,
  jsonReply,
  kestraZip,
  queryValue,
  zipEntries,
  zipReply,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import {
  badRequest,
  illegalArgument,
  invalidEntity,
  invalidJson,
  notFound,
  toPointer,
  unsupportedMediaType
} from '../errors.js'
import {
  createFlow,
  check,
  deleteFlow,
  renderFlow,
  updateFlow,
  upsertFlow,
  loopMessage,
  type SavedFlow
} from '../flow-ops.js'
import type { FlowCheck } from '../flow-validation.js'
import { isRecord, parseLenient, rewriteNamespace, splitValidateDocuments } from '../flow-source.js'
import { isMultipart, parseMultipart } from '../multipart.js'
import { compare } from '../namespace-files.js'
import { flowWarnings } from '../flow-warnings.js'
import { flowFilter } from './flow-filters.js'
import { byKeys, pageParams, slice, sortKeys } from '../paged-search.js'

const YAML = 'application/x-yaml'

export function handleCreate(ctx: RequestContext, core: EmulatorCore): Reply {
  if (ctx.mediaType === YAML) {
    return jsonReply(renderFlow(core, createFlow(core, ctx.tenant, text(ctx)), true))
  }
  // The deprecated JSON route (`consumes ALL`) answers every other content type.
  const saved = createFlow(core, ctx.tenant, jsonBodyAsYaml(ctx))
  return jsonReply(renderFlow(core, saved, false))
}

export function handleUpdate(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = flowParams(ctx)
  if (ctx.mediaType === YAML) {
    return jsonReply(renderFlow(core, updateFlow(core, ctx.tenant, namespace, id, text(ctx)), true))
  }
  if (!core.state.live(ctx.tenant, namespace, id)) throw notFound()
  const saved = updateFlow(core, ctx.tenant, namespace, id, jsonBodyAsYaml(ctx))
  return jsonReply(renderFlow(core, saved, false))
}

export function handleDelete(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = flowParams(ctx)
  deleteFlow(core, ctx.tenant, namespace, id)
  return emptyReply(204)
}

export function handleGet(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = flowParams(ctx)
  const history = core.state.history(ctx.tenant, namespace, id)
  const wanted = queryValue(ctx, 'revision')
  const flow = wanted
    ? history?.find((r) => r.revision === Number(wanted))
    : history?.[history.length - 1]
  if (!flow || (flow.deleted && queryValue(ctx, 'allowDeleted') !== 'true')) throw notFound()
  return jsonReply(renderFlow(core, { namespace, id, flow }, queryValue(ctx, 'source') === 'true'))
}

export function handleList(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  return jsonReply(
    core.state
      .liveFlowsOf(ctx.tenant, namespace)
      .map(({ id, flow }) => renderFlow(core, { namespace, id, flow }, false))
  )
}

export function handleRevisions(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = flowParams(ctx)
  const allowDelete = queryValue(ctx, 'allowDelete') === 'true'
  const history = core.state.history(ctx.tenant, namespace, id) ?? []
  return jsonReply(
    history
      .filter((flow) => allowDelete || !flow.deleted)
      .map((flow) => renderFlow(core, { namespace, id, flow }, true))
  )
}

export function handleSearch(ctx: RequestContext, core: EmulatorCore): Reply {
  const page = pageParams(ctx.query, 'searchFlows', 10)
  const sorter = sortOrder(ctx)
  const matches = flowFilter(ctx.query)
  const found = liveFlows(core, ctx.tenant).filter((f) => matches(f.namespace, f.id))
  found.sort(sorter)
  const results = slice(found, page).map((saved) => renderFlow(core, saved, false))
  return jsonReply({ results, total: found.length })
}

export function handleExportByIds(ctx: RequestContext, core: EmulatorCore): Reply {
  const ids = parseJson(ctx)
  if (!Array.isArray(ids)) throw invalidJson('Expected an array of {namespace, id}')
  const entries = new Map<string, Uint8Array>()
  for (const item of ids) {
    if (!isRecord(item)) continue
    const namespace = String(item.namespace)
    const id = String(item.id)
    const flow = core.state.live(ctx.tenant, namespace, id)
    // [S21 FlowController `exportByIds` v0.13 → 0.21-dev]: `findByIdWithSource(…).orElseThrow()` for each id,
    // so one missing flow fails the whole request (NoSuchElementException → 404 in ErrorController).
    if (!flow) throw notFound('No value present')
    entries.set(`${namespace}.${id}.yaml`, Buffer.from(flow.source))
  }
  return zipReply(kestraZip(entries, core.deflated), 'flows.zip')
}

export function handleExportByQuery(ctx: RequestContext, core: EmulatorCore): Reply {
  const matches = flowFilter(ctx.query)
  const entries = new Map<string, Uint8Array>()
  for (const { namespace, id, flow } of liveFlows(core, ctx.tenant)) {
    if (matches(namespace, id)) entries.set(`${namespace}-${id}.yml`, Buffer.from(flow.source))
  }
  return zipReply(kestraZip(entries, core.deflated), 'flows.zip')
}

export function handleValidate(ctx: RequestContext, core: EmulatorCore): Reply {
  let documents: { source: string; filename?: string }[]
  if (ctx.mediaType === YAML) {
    documents = splitValidateDocuments(text(ctx)).map((source) => ({ source }))
  } else if (isMultipart(ctx.mediaType) && core.features.multipartValidate) {
    documents = multipartFlows(ctx).map((part) => ({
      source: part.data.toString('utf8'),
      filename: part.filename
    }))
  } else {
    throw unsupportedMediaType(ctx.mediaType)
  }
  return jsonReply(documents.map((doc, index) => validateOne(core, ctx.tenant, doc, index)))
}

function validateOne(
  core: EmulatorCore,
  tenant: string,
  doc: { source: string; filename?: string },
  index: number
): Record<string, unknown> {
  const result = check(core, doc.source)
  const parsed = result.parsed ?? parseLenient(doc.source)
  const item: Record<string, unknown> = { index }
  if (doc.filename !== undefined) item.filename = doc.filename
  // 2.0.0 names the flow only once it is bound: a source or binding failure answers index, constraints and
  // outdated alone (the released core, run: docs/kestra.md#the-released-core-run).
  // develop's errors list (`validateErrorsList`) is answered as before.
  const released = core.features.v2 && !core.options.validateErrorsList
  if (released && result.failure !== undefined && result.failure.stage !== 'constraints') {
    item.constraints = releasedTwoConstraints(result.failure)
    item.outdated = false
    return item
  }
  if (parsed?.id != null) item.flow = String(parsed.id)
  if (parsed?.namespace != null) item.namespace = String(parsed.namespace)
  const loop = result.parsed && !result.failure && loopMessage(core, tenant, result.parsed)
  if (loop) item.constraints = `Validation error: flow: ${loop}`
  if (result.failure) {
    if (core.options.validateErrorsList) {
      item.errors = result.failure.violations.map((v) => ({
        detail: v.message,
        pointer: toPointer(v.path),
        path: v.idPath
      }))
    } else if (released) {
      item.constraints = releasedTwoConstraints(result.failure)
    } else {
      item.constraints = result.failure.message
    }
  }
  item.outdated = isOutdated(core, tenant, parsed)
  item.deprecationPaths = result.deprecationPaths
  item.warnings = result.parsed && !result.failure ? flowWarnings(core, tenant, result.parsed) : []
  item.infos = result.infos
  return item
}

/**
 * docs/kestra.md#validate-flows: outdated only when the source has `revision:` and it is not the
 * server's last + 1.
 */
function isOutdated(
  core: EmulatorCore,
  tenant: string,
  parsed: Record<string, unknown> | undefined
): boolean {
  if (parsed?.revision === undefined || parsed.revision === null) return false
  const latest =
    typeof parsed.namespace === 'string' && typeof parsed.id === 'string'
      ? core.state.latest(tenant, parsed.namespace, parsed.id)
      : undefined
  return Number(parsed.revision) !== (latest?.revision ?? 0) + 1
}

export function handleImport(ctx: RequestContext, core: EmulatorCore): Reply {
  if (!isMultipart(ctx.mediaType)) throw unsupportedMediaType(ctx.mediaType)
  const upload = parseMultipart(ctx.body, String(ctx.headers['content-type'])).find(
    (p) => p.name === 'fileUpload'
  )
  if (!upload) throw badRequest('Required argument [CompletedFileUpload fileUpload] not specified')
  const sources: { name: string; source: string }[] = []
  if (upload.filename?.toLowerCase().endsWith('.zip')) {
    let entries: [string, Uint8Array][]
    try {
      entries = zipEntries(upload.data)
    } catch {
      throw badRequest('Unable to read the archive')
    }
    for (const [name, bytes] of entries.sort(([a], [b]) => compare(a, b))) {
      if (/\.ya?ml$/.test(name)) sources.push({ name, source: Buffer.from(bytes).toString('utf8') })
    }
  } else {
    splitValidateDocuments(upload.data.toString('utf8')).forEach((source, i) =>
      sources.push({ name: String(i), source })
    )
  }
  const failed = sources.filter(({ source }) => check(core, source).failure).map((s) => s.name)
  if (failed.length > 0 && queryValue(ctx, 'failOnError') === 'true') {
    throw illegalArgument(`Following invalid flows were not imported: ${failed.join(', ')}`)
  }
  for (const { name, source } of sources) {
    if (!failed.includes(name)) upsertFlow(core, ctx.tenant, source)
  }
  return jsonReply(failed)
}

/**
 * docs/kestra.md#bulk-replace-of-a-namespace: replace a whole namespace. Checks namespaces and
 * duplicates first, then deletes, then saves.
 */
export function handleBulkNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  let sources: string[]
  if (ctx.mediaType === YAML) {
    sources = javaSplit(text(ctx), '---').map((s) => s.trim())
  } else if (isMultipart(ctx.mediaType) && core.features.v1) {
    sources = multipartFlows(ctx).map((part) => part.data.toString('utf8'))
  } else {
    throw unsupportedMediaType(ctx.mediaType)
  }
  if (queryValue(ctx, 'override') === 'true') {
    sources = sources.map((s) => rewriteNamespace(s, namespace))
  }
  const flows = sources.map((source) => {
    const parsed = parseLenient(source)
    if (!parsed) throw invalidEntity(check(core, source).failure?.message ?? 'Invalid flow', [])
    return { source, id: String(parsed.id), namespace: String(parsed.namespace) }
  })
  const misplaced = flows.filter((f) => f.namespace !== namespace)
  if (misplaced.length > 0) {
    const violations = misplaced.map((f) => ({
      message: `${uid(core, ctx.tenant, f.namespace, f.id)} - flow namespace is invalid`,
      path: 'flow.namespace'
    }))
    throw invalidEntity(violations.map((v) => `${v.path}: ${v.message}`).join(', '), violations)
  }
  if (new Set(flows.map((f) => f.id)).size < flows.length) {
    throw invalidEntity('flow.id: Duplicate flow id', [
      { message: 'Duplicate flow id', path: 'flow.id' }
    ])
  }
  const deleted: SavedFlow[] = []
  if (queryValue(ctx, 'delete') !== 'false') {
    const keep = new Set(flows.map((f) => f.id))
    for (const { id } of core.state.liveFlowsOf(ctx.tenant, namespace)) {
      if (!keep.has(id)) deleted.push(deleteFlow(core, ctx.tenant, namespace, id))
    }
  }
  const saved = flows.map((f) => upsertFlow(core, ctx.tenant, f.source))
  return jsonReply([
    ...deleted.map((d) => renderFlow(core, d, true)),
    ...saved.map((s) => renderFlow(core, s, true))
  ])
}

function uid(core: EmulatorCore, tenant: string, namespace: string, id: string): string {
  const parts = core.features.tenantRoutes ? [tenant, namespace, id, '-1'] : [namespace, id, '-1']
  return parts.join('_')
}

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(value: string, separator: string): string[] {
  const parts = value.split(separator)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

function multipartFlows(ctx: RequestContext) {
  return parseMultipart(ctx.body, String(ctx.headers['content-type'])).filter(
    (p) => p.name === 'flows'
  )
}

function liveFlows(core: EmulatorCore, tenant: string): SavedFlow[] {
  const result: SavedFlow[] = []
  for (const namespace of core.state.flowNamespaces(tenant)) {
    for (const { id, flow } of core.state.liveFlowsOf(tenant, namespace)) {
      result.push({ namespace, id, flow })
    }
  }
  return result
}

function flowParams(ctx: RequestContext): { namespace: string; id: string } {
  return { namespace: ctx.params.namespace!, id: ctx.params.id! }
}

function text(ctx: RequestContext): string {
  return ctx.body.toString('utf8')
}

function parseJson(ctx: RequestContext): unknown {
  try {
    return JSON.parse(text(ctx))
  } catch (error) {
    throw invalidJson((error as Error).message)
  }
}

/** The deprecated JSON routes bind a Flow object; its source is generated from it. */
function jsonBodyAsYaml(ctx: RequestContext): string {
  const value = parseJson(ctx)
  if (!isRecord(value)) throw invalidJson('Expected a flow object')
  return stringify(value)
}

function sortOrder(ctx: RequestContext): (a: SavedFlow, b: SavedFlow) => number {
  const keys = sortKeys(ctx.query, ['id', 'namespace'])
  if (keys.length === 0) keys.push({ field: 'namespace', sign: 1 }, { field: 'id', sign: 1 })
  return byKeys(keys, (flow, field) => flow[field as 'id' | 'namespace'])
}

/**
 * 2.0.0's `FlowService.validate` text: "Validation error: " before the message (its leading ':' dropped), the
 * constraints one a line with the tasks named by id in their paths, the parser's "Illegal Flow source".
 */
function releasedTwoConstraints(failure: NonNullable<FlowCheck['failure']>): string {
  if (failure.stage === 'source') {
    return `Validation error: ${failure.message.replace(/^Illegal flow source:/, 'Illegal Flow source:')}`
  }
  if (failure.stage === 'binding') return `Validation error: ${failure.message}`
  const lines = failure.violations.map((v) => `${v.idPath}: ${v.message}\n`).join('')
  return `Validation error: ${lines.replace(/^:/, '')}`
}
