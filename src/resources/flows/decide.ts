import type { DecideKind, KindPlanOptions, Mark } from '../../engine/decide-kind.js'
import type { RepositoryShape } from '../../model/drift.js'
import { repositoryPath } from '../../model/repository-paths.js'
import { deployableFlow } from '../../model/repository.js'
import { FLOW_ID_PATTERN } from './decide-flow-identity.js'
import { flowFindings, type FlowsHeld } from './decide-validate.js'
import type { BaseFlow } from './decide-sent.js'
import { actionOf, applyDiff, indexByFile, scopeFilter } from '../../engine/plan/build.js'
import { outsideGitOf } from '../../engine/plan/outside-git.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { compareCodeUnits, normaliseText, sha256Hex } from '../../model/content.js'
import type { RemoteFlow } from '../../model/kestra.js'
import type { BaseSnapshot, DesiredFlow } from '../../model/plan-input.js'
import { parseDocument } from 'yaml'
import { flowKey } from '../../model/targets.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { FlowChange, PlanAction, FlowCaller, UnfinishedExecution } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'
import { plural, unfinishedText } from '../../report/render/headline.js'
import { serverFlowsOf } from './decide-server-state.js'
import { repoFlowsOf } from './decide-repository.js'

/** Flows in a plan: after the namespace files they read, by id; the plan file keeps the revision. */
export const flowsDecide: DecideKind<FlowChange, FlowsHeld> = {
  name: 'flow',
  order: 1,
  label: 'Flows',
  marks: marksOf,
  above: (change) => [impactText(change), reviewText(change)].filter((text) => text !== undefined),
  review: reviewData,
  kestraPage: (change, kestraUi) =>
    `${kestraUi}/flows/edit/${encodeURIComponent(change.namespace)}/${encodeURIComponent(change.id)}`,
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  planFileDetails: (change): Record<string, number> =>
    change.current ? { revision: change.current.revision } : {},
  fingerprintOf: (r) => [
    'flow',
    r.namespace,
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired),
    r.current?.revision ?? null,
    r.current === undefined ? null : sha256Hex(r.current.source)
  ],
  validate: flowFindings,
  // Its flows as sent: a test suite finds the flow it tests when the same plan creates it.
  defines: ({ model, namespacePrefix }) =>
    repoFlowsOf(model)
      .filter(deployableFlow)
      .map((flow) => ({
        namespace: namespacePrefix ? `${namespacePrefix}.${flow.namespace}` : flow.namespace!,
        name: flow.id!
      })),
  plan: (_reading, options) => planFlows(options),
  serverContent: (change) => change.current?.source,
  serverRevision: (change) => change.current,
  keepsFileOfDeleted: (_change, { layout }) =>
    layout === 'tenant' || layout === 'namespace'
      ? undefined
      : `deleted in Kestra; in the ${layout} layout a file is not a flow by its folder, so the file is kept`,
  newPath: newFlowPath
}

/** Where the layout puts a flow of `namespace` that only the server holds. */
function newFlowPath({ namespace, id }: FlowChange, shape: RepositoryShape) {
  // Any id Kestra saves names a file: its pattern allows dots (`etl.v2` → `etl.v2.yml`).
  if (!FLOW_ID_PATTERN.test(id)) return { reason: 'its id cannot name a file' }
  const name = `${id}.yml`
  if (shape.layout === 'tenant') {
    // The folder that already holds its namespace's flows (a parent's folder may), else its own.
    const sibling = siblingOf(namespace, shape, false)
    const under = shape.rootRel ? `${shape.rootRel}/` : ''
    const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined
    return { path: repositoryPath(shape.rootRel, top || namespace, 'flows', name) }
  }
  if (shape.layout === 'namespace') {
    const input = shape.namespace
    if (input && (namespace === input || namespace.startsWith(`${input}.`))) {
      return { path: repositoryPath(shape.rootRel, 'flows', name) }
    }
    return { reason: `its namespace is outside the namespace input (${shape.namespace ?? ''})` }
  }
  const sibling = siblingOf(namespace, shape, true)
  if (sibling === undefined)
    return { reason: 'no folder of the repository holds flows of its namespace' }
  const dir = sibling.includes('/') ? sibling.slice(0, sibling.lastIndexOf('/')) : ''
  return { path: repositoryPath(dir, name) }
}

/** With `parents`, the closest parent namespace with one counts too. */
function siblingOf(
  namespace: string,
  shape: RepositoryShape,
  parents: boolean
): string | undefined {
  // The parent of `a.b` is `a`; `a` has none.
  for (let ns = namespace; ns; ns = parents ? ns.slice(0, Math.max(ns.lastIndexOf('.'), 0)) : '') {
    const files = shape.flowFiles.filter((f) => f.namespace === ns).map((f) => f.file)
    if (files.length > 0) return files.sort()[0]
  }
  return undefined
}

/** docs/plan.md: compared as Kestra compares flows; drift against the base commit. */
function planFlows(options: KindPlanOptions): FlowChange[] {
  const { input } = options
  if (!input) return []
  const wanted = (input.desired.get(flowsDecide.name) ?? []) as readonly DesiredFlow[]
  const desiredFlows = indexByFile(wanted, (f) => flowKey(f.namespace, f.id))
  const actualFlows = new Map<string, RemoteFlow & { namespace: string }>()
  for (const namespace of new Set(input.namespaces)) {
    for (const flow of serverFlowsOf(input.actual.get(namespace)))
      actualFlows.set(flowKey(namespace, flow.id), { ...flow, namespace })
  }
  // A drift run's base is the head: what the kind wants (`BaseSnapshot.head`).
  const atBase = input.base?.head
    ? desiredFlows
    : (input.base?.byKind.get(flowsDecide.name) as ReadonlyMap<string, BaseFlow> | undefined)
  const inScope = scopeFilter(options, desiredFlows, atBase)
  const changes: FlowChange[] = []
  for (const key of new Set([...desiredFlows.keys(), ...actualFlows.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFlows.get(key)
    const server = actualFlows.get(key)
    const base = atBase?.get(key)
    if (desired && !server) {
      const change = flowChange(desired, 'create', options, undefined)
      markOutside(change, input.base, base && { differs: true })
      changes.push(change)
      continue
    }
    if (!server) continue
    const serverComparable = comparableFlowSource(server.source)
    const desiredComparable = desired && comparableFlowSource(desired.source)
    const change = flowChange(
      desired ?? server,
      actionOf(options, desired !== undefined, desiredComparable === serverComparable),
      options,
      server
    )
    markOutside(
      change,
      input.base,
      base && { differs: comparableFlowSource(base.source) !== serverComparable },
      { base: base?.source, server, desired: desired?.source }
    )
    changes.push(change)
  }
  return changes
}

/**
 * What was done to a flow outside Git since the base commit (docs/drift.md#the-uis-work-named): drift. A draft the
 * UI saved (2.0) is seen without a base; a `disabled` that differs from the base's is a toggle in the UI, when this
 * plan undoes it (Git keeps the base's value).
 */
function markOutside(
  change: FlowChange,
  base: BaseSnapshot | undefined,
  atBase: { differs: boolean } | undefined,
  sources: { base?: string; server?: RemoteFlow; desired?: string } = {}
): void {
  let outside = outsideGitOf(change.action, change.namespace, base, atBase)
  if (sources.server?.draft && change.action !== 'unchanged') outside = 'draft'
  else if (outside === 'edited' && sources.base !== undefined && sources.server) {
    const was = disabledIn(sources.base)
    const now = disabledIn(sources.server.source)
    const kept = sources.desired === undefined || disabledIn(sources.desired) === was
    if (was !== now && kept) outside = now ? 'disabled' : 'enabled'
  }
  change.drifted = outside !== undefined
  if (outside) change.outside = outside
}

/** A flow's top-level `disabled`, as Kestra reads it (a boolean, or its text). */
function disabledIn(source: string): boolean {
  const value: unknown = parseDocument(source, { uniqueKeys: false }).get('disabled')
  return value === true || value === 'true'
}

function flowChange(
  subject: { namespace: string; id: string; source: string; file?: string },
  action: PlanAction,
  { limits }: KindPlanOptions,
  server: RemoteFlow | undefined
): FlowChange {
  const { namespace, id } = subject
  const desired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FlowChange = {
    kind: 'flow',
    namespace,
    id,
    action,
    drifted: false,
    ...(desired && subject.file !== undefined && { file: subject.file }),
    ...(desired && { desired: normaliseText(subject.source) }),
    ...(server && {
      current: {
        source: server.source,
        revision: server.revision,
        ...(server.updated !== undefined && { updated: server.updated })
      }
    })
  }
  const name = `${namespace}/${id}`
  if (action === 'create') {
    applyDiff(change, diffTexts('', `b/${name}`, undefined, change.desired, limits))
  } else if (action === 'update' && server) {
    const before = comparableFlowSource(server.source)
    const after = comparableFlowSource(subject.source)
    applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  } else if (action === 'delete' && server) {
    applyDiff(change, diffTexts(`a/${name}`, '', normaliseText(server.source), undefined, limits))
  }
  return change
}

/**
 * Marks for a flow's summary line: revisions, callers and trigger changes (docs/impact.md), missing
 * names and unfinished executions (docs/caught-at-review.md).
 */
function marksOf(r: FlowChange): Mark[] {
  const marks: Mark[] = []
  const revision = r.current?.revision
  if (revision !== undefined) {
    const text = r.action === 'update' ? `rev ${revision} → ${revision + 1}` : `rev ${revision}`
    marks.push({ text })
  }
  const callers = new Set(r.impact?.callers.map((c) => `${c.namespace}.${c.id}`)).size
  if (callers > 0) marks.push({ sign: '📞', text: `called by ${plural(callers, 'flow')}` })
  if (r.impact?.triggers.length) marks.push({ sign: '⏰', text: 'triggers change' })
  const missing = r.review?.missing?.length ?? 0
  if (missing > 0) marks.push({ sign: '🔑', text: plural(missing, 'missing name') })
  const unfinished = r.review?.unfinished ?? []
  if (unfinished.length > 0) marks.push({ sign: '⏳', text: unfinishedText(unfinished) })
  return marks
}

const VIA: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow',
  foreach: 'ForEachItem',
  'flow-trigger': 'Flow trigger'
}

function impactText(r: FlowChange): string | undefined {
  if (!r.impact) return undefined
  const { callers, triggers } = r.impact
  const out: string[] = []
  if (callers.length > 0) {
    const names = callers.map(
      (c) =>
        `${escapeText(`${c.namespace}.${c.id}`)} (${VIA[c.via]}${c.serverOnly ? ', server only' : ''})${breaksText(c)}`
    )
    const verb = r.action === 'delete' ? 'Still called by' : 'Called by'
    // A broken call says what breaks: one caller per line then, so that each reads on its own.
    if (callers.some((c) => c.breaks?.length))
      out.push(`**${verb}:**`, ...names.map((n) => `- ${n}`))
    else out.push(`**${verb}:** ${names.join(', ')}`)
  }
  if (triggers.length > 0) {
    out.push(
      '**Triggers:**',
      ...triggers.map(
        (t) =>
          `- ${asCode(escapeText(t.text))}${t.nextRun ? ` (next run after the commit: ${escapeText(t.nextRun)})` : ''}`
      )
    )
  }
  return out.join('\n')
}

/** Quoted values (cron expressions) of escaped text as inline code. */
function asCode(escaped: string): string {
  return escaped.replace(/&quot;(.*?)&quot;/g, '<code>$1</code>')
}

/** After a caller whose call no longer fits (docs/caught-at-review.md#subflow-contracts). */
function breaksText(caller: FlowCaller): string {
  return caller.breaks?.length ? ` — ❌ breaks: ${escapeText(caller.breaks.join('; '))}` : ''
}

function reviewText(r: FlowChange): string | undefined {
  if (!r.review) return undefined
  const out: string[] = []
  const missing = r.review.missing ?? []
  if (missing.length > 0) {
    const names = missing.map(
      (m) => `${m.kind === 'secret' ? 'secret' : 'KV key'} <code>${escapeText(m.name)}</code>`
    )
    out.push(`**Not defined on the server:** ${names.join(', ')}`)
  }
  const unfinished = r.review.unfinished ?? []
  if (unfinished.length > 0) {
    out.push(`**${unfinishedText(unfinished)}:** ${byState(unfinished)}`)
  }
  return out.length > 0 ? out.join('\n\n') : undefined
}

/** `1 PAUSED, 1 RUNNING`: how many in each state, states sorted. */
function byState(executions: readonly Pick<UnfinishedExecution, 'state'>[]): string {
  const counts = new Map<string, number>()
  for (const e of executions) counts.set(e.state, (counts.get(e.state) ?? 0) + 1)
  return [...counts]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([state, n]) => `${n} ${escapeText(state)}`)
    .join(', ')
}

/**
 * What the comment says above the flow's diff, for the `--json` document
 * (docs/cli.md#the-json-document).
 */
function reviewData(r: FlowChange): Record<string, unknown> | undefined {
  const callers = r.impact?.callers ?? []
  const triggers = r.impact?.triggers ?? []
  const missing = r.review?.missing ?? []
  const unfinished = r.review?.unfinished ?? []
  const data = {
    ...(callers.length > 0 && {
      callers: callers.map((c) => ({
        namespace: c.namespace,
        id: c.id,
        via: c.via,
        server_only: c.serverOnly,
        ...(c.breaks?.length && { breaks: [...c.breaks] })
      }))
    }),
    ...(triggers.length > 0 && {
      triggers: triggers.map((t) => ({ text: t.text, ...(t.nextRun && { next_run: t.nextRun }) }))
    }),
    ...(missing.length > 0 && { missing: missing.map((m) => ({ kind: m.kind, name: m.name })) }),
    ...(unfinished.length > 0 && {
      unfinished: unfinished.map((e) => ({ id: e.id, state: e.state, url: e.url }))
    })
  }
  return Object.keys(data).length > 0 ? data : undefined
}
