/**
 * Namespace routes (docs/kestra.md#namespaces): implicit in OSS (derived from flows), real entities in
 * EE. EE, from the client-sdk's kestra-ee.yml (EE's controllers are closed source): `POST P/namespaces` and
 * `GET|PUT|DELETE P/namespaces/{id}` with a JSON `Namespace` (`id` matching `^[a-z0-9][a-z0-9._-]*`,
 * `deleted`, `description`, `variables`, `pluginDefaults`, `allowedNamespaces`, isolation and storage
 * settings…), identical at 1.3.0 (@635944d4) but for 2.0.0's (@50cb46f4) having no `pluginDefaults`; `DELETE`
 * answers 204. A namespace that only holds flows, files or KV answers `{id, deleted:false}`, as before; an
 * unknown one a 404. What EE answers to a `POST` of an existing id is not documented: a 422 here.
 */
import {
  emptyReply,
  jsonReply,
  queryValue,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { illegalArgument, invalidEntity, invalidJson, notFound } from '../errors.js'
import { compare } from '../namespace-files.js'

export function handleGetNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  if (core.options.edition === 'EE' && !core.state.hasNamespace(ctx.tenant, namespace)) {
    throw notFound()
  }
  const entity = core.state.namespaceEntitiesOf(ctx.tenant).get(namespace)
  return jsonReply(entity ?? { id: namespace, deleted: false })
}

const NAMESPACE_ID = /^[a-z0-9][a-z0-9._-]*$/

/** The JSON `Namespace` sent, as the release keeps it (2.0.0's has no `pluginDefaults`). */
function boundNamespace(ctx: RequestContext, core: EmulatorCore): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(ctx.body.toString('utf8'))
  } catch {
    throw invalidJson('Unable to parse the namespace')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidJson('Unable to parse the namespace: not an object')
  }
  const { pluginDefaults, ...rest } = body as Record<string, unknown>
  return core.features.namespacePluginDefaults && pluginDefaults !== undefined
    ? { ...rest, pluginDefaults }
    : rest
}

export function handleCreateNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  const entity = boundNamespace(ctx, core)
  const id = entity.id
  if (typeof id !== 'string' || !NAMESPACE_ID.test(id)) {
    throw invalidEntity(`namespace.id: must match "${NAMESPACE_ID.source}"`, [
      { message: `must match "${NAMESPACE_ID.source}"`, path: 'namespace.id' }
    ])
  }
  const entities = core.state.namespaceEntitiesOf(ctx.tenant)
  if (entities.has(id)) throw illegalArgument(`Namespace '${id}' already exists`)
  const stored = { ...entity, id, deleted: false }
  entities.set(id, stored)
  return jsonReply(stored)
}

export function handleUpdateNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  const id = ctx.params.namespace!
  if (!core.state.hasNamespace(ctx.tenant, id)) throw notFound()
  const stored = { ...boundNamespace(ctx, core), id, deleted: false }
  core.state.namespaceEntitiesOf(ctx.tenant).set(id, stored)
  return jsonReply(stored)
}

export function handleDeleteNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  if (!core.state.namespaceEntitiesOf(ctx.tenant).delete(ctx.params.namespace!)) throw notFound()
  return emptyReply(204)
}

export function handleSearchNamespaces(ctx: RequestContext, core: EmulatorCore): Reply {
  const q = queryValue(ctx, 'q') ?? ''
  const page = Math.max(1, Number(queryValue(ctx, 'page') ?? 1))
  const size = Math.max(1, Number(queryValue(ctx, 'size') ?? 20))
  const all = new Set<string>(['system'])
  for (const namespace of core.state.flowNamespaces(ctx.tenant)) {
    if (core.state.liveFlowsOf(ctx.tenant, namespace).length === 0) continue
    const parts = namespace.split('.')
    parts.forEach((_, i) => all.add(parts.slice(0, i + 1).join('.')))
  }
  const ids = [...all].filter((id) => id.includes(q)).sort(compare)
  return jsonReply({
    results: ids.slice((page - 1) * size, page * size).map((id) => ({ id, deleted: false })),
    total: ids.length
  })
}
