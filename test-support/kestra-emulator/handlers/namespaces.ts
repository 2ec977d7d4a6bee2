/**
 * Namespace routes (docs/kestra.md#namespaces): implicit in OSS (derived from flows), real entities in
 * EE.
 */
import {
  jsonReply,
  queryValue,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { notFound } from '../errors.js'
import { compare } from '../namespace-files.js'

export function handleGetNamespace(ctx: RequestContext, core: EmulatorCore): Reply {
  const namespace = ctx.params.namespace!
  if (core.options.edition === 'EE' && !core.state.hasNamespace(ctx.tenant, namespace)) {
    throw notFound()
  }
  return jsonReply({ id: namespace, deleted: false })
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
