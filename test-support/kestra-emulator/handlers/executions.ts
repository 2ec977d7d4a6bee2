/** `P/executions…` (docs/kestra.md#executions): start (multipart inputs), read, kill. */
import type { EmulatorCore, Reply, RequestContext } from '../context.js'
import { emptyReply, jsonReply, queryValue, SYSTEM_NAMESPACE } from '../context.js'
import { ApiError, invalidEntity, notFound, unsupportedMediaType } from '../errors.js'
import { historyOf, isTerminal, type StoredExecution } from '../executions.js'
import { isRecord, parseLenient } from '../flow-source.js'
import { isMultipart, parseMultipart } from '../multipart.js'
import { checkStartLabels, flowLabels, parseLabelParams } from '../execution-labels.js'
import { searchExecutions } from '../execution-search.js'

export function handleStartExecution(ctx: RequestContext, core: EmulatorCore): Reply {
  const { namespace, id } = ctx.params as { namespace: string; id: string }
  const flow = core.state.live(ctx.tenant, namespace, id)
  if (!flow) throw notFound('Requested Flow is not found.')
  const parsed = parseLenient(flow.source)
  const labels = parseLabelParams(ctx.query.getAll('labels'), core.features)
  checkStartLabels(labels, core.features)
  if (parsed?.disabled === true) {
    throw new ApiError(409, 'Illegal state', 'Requested Flow is disabled.', 'conflict')
  }
  if (!isMultipart(ctx.headers['content-type'])) {
    throw unsupportedMediaType(ctx.headers['content-type'])
  }
  const parts = parseMultipart(ctx.body, ctx.headers['content-type']!)
  const received = new Map(parts.map((part) => [part.name, part.data.toString('utf8')]))
  const inputs: Record<string, string> = {}
  const missing: string[] = []
  for (const input of Array.isArray(parsed?.inputs) ? parsed.inputs : []) {
    if (!isRecord(input) || typeof input.id !== 'string') continue
    const value = received.get(input.id)
    if (value !== undefined)
      inputs[input.id] = value // parts for undeclared inputs are ignored
    else if (input.required !== false && input.defaults === undefined) missing.push(input.id)
  }
  if (missing.length > 0) {
    const detail = missing.map((input) => `Missing required input:${input}`).join('\n')
    throw invalidEntity(
      detail,
      missing.map((input) => ({ message: `Missing required input:${input}`, path: input }))
    )
  }
  const execution = core.executions.start({
    tenant: ctx.tenant,
    namespace,
    flowId: id,
    flowRevision: flow.revision,
    inputs,
    labels: [...flowLabels(parsed), ...labels],
    ...(core.features.v1 && { kind: queryValue(ctx, 'kind') ?? 'NORMAL' })
  })
  const url = `/ui/${core.features.tenantRoutes ? `${ctx.tenant}/` : ''}executions/${namespace}/${id}/${execution.id}`
  return jsonReply({ ...executionJson(execution, core), url })
}

export function handleGetExecution(ctx: RequestContext, core: EmulatorCore): Reply {
  const execution = core.executions.recorded(ctx.tenant, ctx.params.id!)
  if (!execution) throw notFound()
  return jsonReply(executionJson(execution, core))
}

/**
 * docs/kestra.md#search-executions: only executions already recorded are found, as reads are (the
 * row is written asynchronously).
 */
export function handleSearchExecutions(ctx: RequestContext, core: EmulatorCore): Reply {
  const now = Date.now()
  const recorded = core.executions
    .all()
    .filter((e) => core.executions.recorded(ctx.tenant, e.id, now) !== undefined)
  const page = searchExecutions(recorded, ctx.query, core.features, SYSTEM_NAMESPACE, now)
  return jsonReply({
    results: page.results.map((execution) => executionJson(execution, core)),
    total: page.total
  })
}

/** 202 queued; a finished run still gets 202 unless `isOnKillCascade=false` (then 409). */
export function handleKillExecution(ctx: RequestContext, core: EmulatorCore): Reply {
  const execution = core.executions.recorded(ctx.tenant, ctx.params.id!)
  if (!execution) throw notFound()
  const history = historyOf(execution)
  const finished = isTerminal(history[history.length - 1]!.state)
  if (finished && queryValue(ctx, 'isOnKillCascade') === 'false') {
    throw new ApiError(
      409,
      'Illegal state',
      "Execution is already finished, can't kill it",
      'conflict'
    )
  }
  if (!finished && execution.killedAt === undefined) execution.killedAt = Date.now()
  return emptyReply(202)
}

export function executionJson(
  execution: StoredExecution,
  core: EmulatorCore
): Record<string, unknown> {
  const now = Date.now()
  const history = historyOf(execution, now)
  const last = history[history.length - 1]!
  const ended = isTerminal(last.state)
  const seconds = ((ended ? last.at : now) - execution.createdAt) / 1000
  return {
    id: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    flowRevision: execution.flowRevision,
    ...(core.features.tenantRoutes && { tenantId: execution.tenant }),
    labels: execution.labels,
    inputs: execution.inputs,
    ...(execution.kind !== undefined && { kind: execution.kind }),
    state: {
      current: last.state,
      histories: history.map(({ state, at }) => ({ state, date: new Date(at).toISOString() })),
      startDate: new Date(execution.createdAt).toISOString(),
      // `State.getEndDate()`: only once terminated, or paused [S21 core/.../models/flows/State.java].
      ...((ended || last.state === 'PAUSED') && { endDate: new Date(last.at).toISOString() }),
      duration: `PT${seconds.toFixed(3)}S`
    },
    taskRunList: [],
    deleted: false
  }
}
