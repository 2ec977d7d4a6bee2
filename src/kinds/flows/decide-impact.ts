import type { Finding } from '../../model/finding.js'
import { fileKey, flowKey } from '../../model/targets.js'
import { sha256Hex, compareCodeUnits } from '../../model/content.js'
import {
  isWrite,
  type FlowCaller,
  type FileChange,
  type FlowChange,
  type FlowImpact,
  type Plan,
  type TriggerChange,
  type MissingName,
  type UnfinishedExecution
} from '../../model/plan.js'
import { z } from 'zod'
import { Cron } from 'croner'
import { parseFlowFile } from '../../model/flow-file.js'
import { topLevelText } from '../../model/flow-source.js'
import { cronProblem } from './decide-schedule-cron.js'
import type { RemoteFlow } from '../../model/kestra.js'
import type { FlowFile } from '../../model/repository.js'
import { collectReferences } from './decide-references.js'
import type { FlowReference, OutsideUser } from '../../model/references.js'

/** One flow calling (or triggered by) another, as read from a source the plan already holds. */
export interface CallEdge {
  caller: { namespace: string; id: string }
  /** The flow called. */
  namespace: string
  id: string
  via: FlowCaller['via']
  /** Where the call is written; '' for a caller that only the server holds. */
  file: string
  line: number
  column: number
}

/** A flow's literal `read()` of a namespace file. */
interface FileRead {
  reader: { namespace: string; id: string }
  /** The file read. */
  namespace: string
  path: string
  /** Where the call is written; '' for a reader that only the server holds. */
  file: string
  line: number
  column: number
}

interface ImpactInput {
  /** Calls made by the repository's flows and by the server-only flows of managed namespaces. */
  calls: readonly CallEdge[]
  /** The same flows' `read()` of namespace files. */
  reads: readonly FileRead[]
  /** flowKeys of the callers that only the server holds. */
  serverOnly: ReadonlySet<string>
  /** The planned commit's time: the reference for a cron's next run (none: no next run is shown). */
  reference?: Date
  /**
   * Deleted flows whose users outside the `searched` namespaces Kestra's flow topology could not tell
   * (kinds/flows/gather.ts): each a warning naming what was not searched.
   */
  unsearched?: readonly { namespace: string; id: string; why: string }[]
  /** The namespaces whose flows the plan read (the managed ones). */
  searched?: readonly string[]
}

interface PlanImpact {
  plan: Plan
  /**
   * An error on each use of a flow or namespace file this plan deletes by a flow it keeps (docs/impact.md);
   * a warning on each repository flow that calls a flow this plan orphans.
   */
  findings: Finding[]
}

const VIA: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow calls',
  foreach: 'ForEachItem calls',
  'flow-trigger': 'Flow trigger waits for'
}

/**
 * Callers and trigger changes of every flow the plan creates, updates or deletes (docs/impact.md),
 * attached to the flow's change; the fingerprint then covers the callers too (trigger changes follow
 * from the sources it already covers; a next run time follows from the commit, like the commit line).
 * Pure.
 */
export function withImpact(plan: Plan, input: ImpactInput): PlanImpact {
  const flows = plan.resources.filter((r): r is FlowChange => r.kind === 'flow')
  const deleted = new Set(flows.filter((f) => f.action === 'delete').map(keyOf))
  const callers = new Map<string, Map<string, FlowCaller>>()
  const removed = new Map(
    flows.filter((f) => f.action === 'delete' || f.action === 'orphaned').map((f) => [keyOf(f), f])
  )
  const findings: Finding[] = []
  for (const call of input.calls) {
    const target = flowKey(call.namespace, call.id)
    const from = keyOf(call.caller)
    if (from === target || deleted.has(from)) continue // a caller that goes away calls nothing
    const byCaller = callers.get(target) ?? new Map<string, FlowCaller>()
    byCaller.set(`${from}\0${call.via}`, {
      ...call.caller,
      via: call.via,
      serverOnly: input.serverOnly.has(from)
    })
    callers.set(target, byCaller)
    const gone = removed.get(target)
    if (gone?.action === 'delete') findings.push(deletedInUse(call.caller, call, callTarget(call)))
    else if (gone && call.file !== '') findings.push(orphanedTargetFinding(call, gone))
  }
  const deletedFiles = new Map(
    plan.resources
      .filter((r): r is FileChange => r.kind === 'file' && r.action === 'delete')
      .map((r) => [fileKey(r.namespace, r.path), r])
  )
  for (const read of input.reads) {
    if (deleted.has(keyOf(read.reader))) continue
    if (!deletedFiles.has(fileKey(read.namespace, read.path))) continue
    findings.push(
      deletedInUse(read.reader, read, {
        what: `read('${read.path}') reads`,
        used: `namespace file ${read.namespace}:${read.path}`,
        effect: 'this flow would fail when it runs',
        keep: 'Keep the file in the repository'
      })
    )
  }

  for (const flow of input.unsearched ?? []) {
    const gone = removed.get(keyOf(flow))
    if (gone?.action === 'delete')
      findings.push(unsearchedFinding(gone, flow.why, input.searched ?? []))
  }

  const resources = plan.resources.map((r) => {
    if (r.kind !== 'flow' || !isWrite(r)) return r
    const impact: FlowImpact = {
      callers: [...(callers.get(keyOf(r))?.values() ?? [])].sort(
        (a, b) =>
          compareCodeUnits(a.namespace, b.namespace) ||
          compareCodeUnits(a.id, b.id) ||
          compareCodeUnits(a.via, b.via)
      ),
      triggers:
        r.action === 'update' && r.current && r.desired !== undefined
          ? triggerChanges(r.current.source, r.desired, input.reference)
          : []
    }
    return impact.callers.length + impact.triggers.length > 0 ? { ...r, impact } : r
  })
  const shown = resources.flatMap((r) =>
    r.kind === 'flow' && r.impact
      ? [
          [
            keyOf(r),
            r.impact.callers.map((c) => [c.namespace, c.id, c.via, c.serverOnly]),
            r.impact.triggers.map((t) => t.text)
          ]
        ]
      : []
  )
  const fingerprint =
    shown.length === 0
      ? plan.fingerprint
      : sha256Hex(JSON.stringify({ plan: plan.fingerprint, impact: shown }))
  // A server-only flow's uses all point at its name: one finding each, not one per use.
  const distinct = new Map(
    findings.map((f) => [`${f.file}\0${f.line}\0${f.column}\0${f.message}`, f])
  )
  return { plan: { ...plan, resources, fingerprint }, findings: [...distinct.values()] }
}

function callTarget(call: CallEdge): Parameters<typeof deletedInUse>[2] {
  const name = `${call.namespace}.${call.id}`
  return {
    what: VIA[call.via],
    used: `flow ${name}`,
    effect:
      call.via === 'flow-trigger'
        ? "this flow's Flow trigger would never fire"
        : 'this flow would fail when it runs',
    keep: `Keep ${name} in the repository`
  }
}

/**
 * A flow the plan keeps still uses what it deletes: the flow would fail when it runs. An error on the use's
 * line, or naming the flow when only the server holds it, so nothing is written (docs/impact.md).
 */
function deletedInUse(
  user: { namespace: string; id: string },
  at: { file: string; line: number; column: number },
  target: { what: string; used: string; effect: string; keep: string }
): Finding {
  const deletes = `which this deploy deletes (delete: true), so ${target.effect}. ${target.keep}`
  const site =
    at.file === '' ? { file: '', line: 1 } : { file: at.file, line: at.line, column: at.column }
  return {
    severity: 'error',
    ...site,
    rule: 'deletes-resource-in-use',
    message:
      at.file === ''
        ? `Flow ${user.namespace}.${user.id} (only on the server) still uses ${target.used}, ${deletes}, or change or delete ${user.namespace}.${user.id} in Kestra first`
        : `${target.what} ${target.used}, ${deletes}, or remove this use first`,
    resource: keyOf(user)
  }
}

/**
 * A deleted flow whose users Kestra could not tell outside the managed namespaces: said plainly, naming
 * the namespaces that were searched (docs/impact.md#users-outside-the-managed-namespaces).
 */
function unsearchedFinding(target: FlowChange, why: string, searched: readonly string[]): Finding {
  const name = `${target.namespace}.${target.id}`
  const read = searched.length > 0 ? [...searched].sort(compareCodeUnits).join(', ') : 'none'
  return {
    severity: 'warning',
    file: '',
    line: 1,
    rule: 'deletion-users-not-searched',
    message: `Flow ${name} is deleted, and flows outside the namespaces this repository manages (${read}) were not searched for uses of it (${why}): a Subflow call or Flow trigger in another namespace would break. Check its dependencies in Kestra before merging`,
    resource: keyOf(target)
  }
}

function orphanedTargetFinding(call: CallEdge, target: FlowChange): Finding {
  const name = `${target.namespace}.${target.id}`
  return {
    severity: 'warning',
    file: call.file,
    line: call.line,
    column: call.column,
    rule: 'calls-removed-flow',
    message: `${VIA[call.via]} flow ${name}, which the repository no longer holds: the server keeps it only because delete is false, and the next deploy with delete: true removes it. Remove the call, or keep ${name} in the repository`,
    resource: keyOf(call.caller)
  }
}

function keyOf(flow: { namespace: string; id: string }): string {
  return flowKey(flow.namespace, flow.id)
}

interface TriggerState {
  id: string
  type: string
  disabled: boolean
  cron?: string
  withSeconds?: boolean
  timezone?: string
}

interface FlowTriggers {
  disabled: boolean
  triggers: TriggerState[]
}

/**
 * What changes in an updated flow's triggers and `disabled` flag between the server's source and the
 * repository's, in words (docs/impact.md#trigger-changes). A cron that changes gets its next run after
 * `reference` (the planned commit's time: the same for every run of the commit). Created and deleted
 * flows show every trigger in their diff already. Pure; sources are parsed only when their trigger text
 * differs.
 */
export function triggerChanges(
  before: string,
  after: string,
  reference: Date | undefined
): TriggerChange[] {
  if (!mentionsTriggers(before) && !mentionsTriggers(after)) return []
  const region = topLevelText(before, TRIGGER_KEYS)
  if (region !== undefined && region === topLevelText(after, TRIGGER_KEYS)) return []
  const old = readTriggers(before)
  const now = readTriggers(after)
  if (!old || !now) return []
  const changes: TriggerChange[] = []
  if (old.disabled !== now.disabled) {
    changes.push({ text: now.disabled ? 'flow disabled' : 'flow enabled' })
  }
  const previous = new Map(old.triggers.map((t) => [t.id, t]))
  const next = new Map(now.triggers.map((t) => [t.id, t]))
  for (const trigger of now.triggers) {
    const was = previous.get(trigger.id)
    if (!was) {
      changes.push(withNextRun(`trigger ${trigger.id} (${describe(trigger)}) added`, trigger))
      continue
    }
    const name = `trigger ${trigger.id}`
    if (was.type !== trigger.type) {
      changes.push({ text: `${name} type ${shortType(was.type)} → ${shortType(trigger.type)}` })
    }
    if (was.disabled !== trigger.disabled) {
      changes.push({ text: `${name} ${trigger.disabled ? 'disabled' : 'enabled'}` })
    }
    if (was.cron !== trigger.cron) {
      changes.push(
        withNextRun(`${name} cron ${quoted(was.cron)} → ${quoted(trigger.cron)}`, trigger)
      )
    }
    if (was.timezone !== trigger.timezone) {
      const text = `${name} timezone ${was.timezone ?? 'server default'} → ${trigger.timezone ?? 'server default'}`
      changes.push(was.cron !== trigger.cron ? { text } : withNextRun(text, trigger))
    }
  }
  for (const trigger of old.triggers) {
    if (!next.has(trigger.id)) {
      changes.push({ text: `trigger ${trigger.id} (${describe(trigger)}) removed` })
    }
  }
  return changes

  function withNextRun(text: string, trigger: TriggerState): TriggerChange {
    const run = trigger.disabled || now!.disabled ? undefined : nextRun(trigger, reference)
    return run ? { text, nextRun: run } : { text }
  }
}

/** Cheap test before parsing: a source without these words has no triggers and is not disabled. */
function mentionsTriggers(source: string): boolean {
  return source.includes('triggers') || source.includes('disabled')
}

/** The top-level keys that decide the triggers and the flow's `disabled` flag. */
const TRIGGER_KEYS: ReadonlySet<string> = new Set(['triggers', 'disabled'])

function readTriggers(source: string): FlowTriggers | undefined {
  let root: unknown
  try {
    const doc = parseFlowFile({ file: '', rel: '', raw: source }).documents[0]
    if (!doc || doc.errors.length > 0) return undefined
    root = doc.toJS({ maxAliasCount: 1000 })
  } catch {
    return undefined
  }
  const flow = flowTriggers.safeParse(root).data
  if (!flow) return undefined
  const triggers: TriggerState[] = []
  flow.triggers.forEach((item, index) => {
    if (!item) return
    const text = (value: unknown) =>
      typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
    triggers.push({
      id: text(item.id) ?? `#${index + 1}`,
      type: text(item.type) ?? 'unknown',
      disabled: item.disabled === true,
      cron: text(item.cron),
      withSeconds: item.withSeconds === true || item.withSeconds === 'true',
      timezone: text(item.timezone)
    })
  })
  return { disabled: flow.disabled === true, triggers }
}

function describe(trigger: TriggerState): string {
  const parts = [shortType(trigger.type)]
  if (trigger.cron !== undefined) parts.push(`cron ${quoted(trigger.cron)}`)
  if (trigger.timezone !== undefined) parts.push(trigger.timezone)
  if (trigger.disabled) parts.push('disabled')
  return parts.join(', ')
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1)
}

function quoted(value: string | undefined): string {
  return value === undefined ? 'none' : `"${value}"`
}

/**
 * `2025-01-02 08:00 Europe/Paris`: the first run strictly after `reference`, in the trigger's timezone
 * (UTC when it names none: the server's default zone is not known here). Undefined when Kestra would
 * reject the cron (see `cronProblem`: never a next run for it), when it is not a literal cron, or when
 * no reference time is known.
 */
export function nextRun(
  trigger: { cron?: string; withSeconds?: boolean; timezone?: string },
  reference: Date | undefined
): string | undefined {
  if (reference === undefined || trigger.cron === undefined) return undefined
  if (cronProblem(trigger.cron, trigger.withSeconds === true)) return undefined
  const zone = trigger.timezone ?? 'UTC'
  try {
    const at = new Cron(trigger.cron, { timezone: zone }).nextRun(reference)
    if (!at) return undefined
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23'
      })
        .formatToParts(at)
        .map((part) => [part.type, part.value])
    )
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`
  } catch {
    return undefined
  }
}

/** What a flow's triggers are read from: its `disabled`, and each trigger that is a mapping. */
const mapping = z.record(z.string(), z.unknown())
const flowTriggers = z.looseObject({
  disabled: z.unknown().optional(),
  triggers: z
    .array(z.unknown().transform((item) => mapping.safeParse(item).data))
    .catch([])
    .default([])
})

/** What the review found per flow (docs/caught-at-review.md), keyed by flowKey. */
interface ReviewInput {
  missing: ReadonlyMap<string, MissingName[]>
  unfinished: ReadonlyMap<string, UnfinishedExecution[]>
  /** Per called flow, per `callerKey\0via`, how the call breaks. */
  breaks: ReadonlyMap<string, ReadonlyMap<string, string[]>>
}

/**
 * The plan with each flow's review attached: missing names on the flows it creates or updates, executions
 * not finished on those it updates or deletes, contract breaks beside the callers its impact lists. The
 * fingerprint is left alone: what the server holds at run time is no part of the reviewed change. Pure.
 */
export function withReview(plan: Plan, review: ReviewInput): Plan {
  const resources = plan.resources.map((r) => {
    if (r.kind !== 'flow') return r
    const key = flowKey(r.namespace, r.id)
    const missing =
      r.action === 'create' || r.action === 'update' ? review.missing.get(key) : undefined
    const unfinished =
      r.action === 'update' || r.action === 'delete' ? review.unfinished.get(key) : undefined
    const breaks = review.breaks.get(key)
    let change: FlowChange = r
    if (missing?.length || unfinished?.length) {
      change = {
        ...change,
        review: { ...(missing?.length && { missing }), ...(unfinished?.length && { unfinished }) }
      }
    }
    if (breaks && change.impact) {
      const callers = change.impact.callers.map((c) => {
        const words = breaks.get(`${flowKey(c.namespace, c.id)}\0${c.via}`)
        return words ? { ...c, breaks: words } : c
      })
      change = { ...change, impact: { ...change.impact, callers } }
    }
    return change
  })
  return { ...plan, resources }
}

/** A server source that may call a flow or read a namespace file: only those are parsed. */
const MAY_REFER = /flowId|\bread\s*\(/

/**
 * Every flow-to-flow call (Subflow, ForEachItem and their old aliases, Flow triggers) and every literal
 * `read()` of a namespace file made by the repository's flows and by the server-only flows of the managed
 * namespaces, from the sources already read, and the `outside` users that Kestra's flow topology names in
 * other namespaces (kinds/flows/gather.ts).
 */
export function callGraph(
  repository: { flows: readonly FlowFile[]; references: readonly FlowReference[] },
  server: ReadonlyMap<string, { flows: readonly RemoteFlow[] }>,
  outside: readonly OutsideUser[] = []
): { calls: CallEdge[]; reads: FileRead[]; serverOnly: Set<string> } {
  // The repository's references were collected when its flows were checked: not walked again here.
  const held = new Map<string, CallEdge['caller']>()
  for (const flow of repository.flows) {
    if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined) continue
    held.set(flowKey(flow.namespace, flow.id), { namespace: flow.namespace, id: flow.id })
  }
  const calls: CallEdge[] = []
  const reads: FileRead[] = []
  const add = (references: readonly FlowReference[], caller: CallEdge['caller']) => {
    for (const ref of references) {
      const { namespace, file, line, column } = ref
      if (ref.kind === 'flow') {
        calls.push({ caller, namespace, id: ref.id, via: ref.via, file, line, column })
      } else reads.push({ reader: caller, namespace, path: ref.path, file, line, column })
    }
  }
  for (const ref of repository.references) {
    const caller = held.get(ref.fromFlow)
    if (caller) add([ref], caller)
  }
  const serverOnly = new Set<string>()
  for (const [namespace, { flows }] of server) {
    for (const remote of flows) {
      const key = flowKey(namespace, remote.id)
      if (held.has(key)) continue
      serverOnly.add(key)
      if (!MAY_REFER.test(remote.source)) continue
      const parsed = parseFlowFile({ file: '', rel: '', raw: remote.source })
      add(collectReferences([parsed]), { namespace, id: remote.id })
    }
  }
  // Users in namespaces the plan did not read, as Kestra's flow topology knows them: no source, no line.
  for (const use of outside) {
    const key = flowKey(use.user.namespace, use.user.id)
    if (held.has(key)) continue
    serverOnly.add(key)
    const { namespace, id, via } = use
    calls.push({ caller: use.user, namespace, id, via, file: '', line: 1, column: 1 })
  }
  return { calls, reads, serverOnly }
}
