import { Cron } from 'croner'
import { type Node, parseDocument } from 'yaml'
import { z } from 'zod'
import { compareCodeUnits, jsonObject, sha256Hex } from '../../model/content.js'
import type { Finding } from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { topLevelText } from '../../model/flow-source.js'
import type { RemoteFlow } from '../../model/kestra.js'
import {
  kvLookupScopes,
  type DefinedNames,
  type NameListings,
  type NameReference
} from '../../model/names.js'
import {
  type FlowCaller,
  type FlowChange,
  type FlowImpact,
  isWrite,
  type MissingName,
  type Plan,
  type TriggerChange,
  type UnfinishedExecution
} from '../../model/plan.js'
import type { FlowReference, OutsideUser } from '../../model/references.js'
import type { FlowFile, Position } from '../../model/repository.js'
import { fileKey, flowKey, pinnedKey } from '../../model/targets.js'
import { FlowDocument, nodePosition } from './decide-document.js'
import { CALLS, collectReferences } from './decide-references.js'
import { cronProblem } from './decide-inputs.js'
import { flowLinks, taskTree } from './decide-task-tree.js'

/** One flow calling (or triggered by) another, as read from a source the plan already holds. */
export interface CallEdge extends Position {
  caller: { namespace: string; id: string }
  namespace: string
  id: string
  via: FlowCaller['via']
  /** Where the call is written; '' for a caller only the server holds. */
  file: string
}

/** A flow's literal `read()` of a namespace file. */
interface FileRead extends Position {
  reader: { namespace: string; id: string }
  namespace: string
  path: string
  file: string
}

interface ImpactInput {
  calls: readonly CallEdge[]
  reads: readonly FileRead[]
  serverOnly: ReadonlySet<string>
  /** The planned commit's time, for a cron's next run. */
  reference?: Date
  /** Deleted flows whose outside users Kestra's topology could not tell (resources/flows/gather.ts). */
  unsearched?: readonly { namespace: string; id: string; why: string }[]
  searched?: readonly string[]
}

/**
 * Callers and trigger changes of each flow the plan writes; an error on each use of what it deletes, a
 * warning on each call of what it orphans (docs/impact.md). The fingerprint covers the callers.
 */
export function withImpact(plan: Plan, input: ImpactInput): { plan: Plan; findings: Finding[] } {
  const flows = plan.resources.filter((r): r is FlowChange => r.kind === 'flow')
  const deleted = new Set(flows.filter((f) => f.action === 'delete').map(keyOf))
  const callers = new Map<string, Map<string, FlowCaller>>()
  const removed = new Map(
    flows.filter((f) => f.action === 'delete' || f.action === 'orphaned').map((f) => [keyOf(f), f])
  )
  const findings: Finding[] = []
  for (const call of input.calls) {
    const target = keyOf(call)
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
  const deletedFiles = new Set(
    plan.resources.map(
      (r) => r.kind === 'file' && r.action === 'delete' && fileKey(r.namespace, r.path)
    )
  )
  for (const read of input.reads) {
    if (deleted.has(keyOf(read.reader)) || !deletedFiles.has(fileKey(read.namespace, read.path)))
      continue
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
    what: CALLS[call.via],
    used: `flow ${name}`,
    effect:
      call.via === 'flow-trigger'
        ? "this flow's Flow trigger would never fire"
        : 'this flow would fail when it runs',
    keep: `Keep ${name} in the repository`
  }
}

/**
 * A flow the plan keeps still uses what it deletes: an error on the use's line, or naming the flow when
 * only the server holds it, so nothing is written (docs/impact.md).
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

/** Names the namespaces searched (docs/impact.md#users-outside-the-managed-namespaces). */
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
    message: `${CALLS[call.via]} flow ${name}, which the repository no longer holds: the server keeps it only because delete is false, and the next deploy with delete: true removes it. Remove the call, or keep ${name} in the repository`,
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

/**
 * An updated flow's trigger and `disabled` changes in words (docs/impact.md#trigger-changes); a changed
 * cron's next run follows `reference`, the planned commit's time. Sources are parsed only when their
 * trigger text differs.
 */
export function triggerChanges(
  before: string,
  after: string,
  reference: Date | undefined
): TriggerChange[] {
  if (![before, after].some((source) => /triggers|disabled/.test(source))) return []
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
  for (const trigger of old.triggers.filter((t) => !now.triggers.some((n) => n.id === t.id))) {
    changes.push({ text: `trigger ${trigger.id} (${describe(trigger)}) removed` })
  }
  return changes

  function withNextRun(text: string, trigger: TriggerState): TriggerChange {
    const run = trigger.disabled || now!.disabled ? undefined : nextRun(trigger, reference)
    return run ? { text, nextRun: run } : { text }
  }
}

const TRIGGER_KEYS: ReadonlySet<string> = new Set(['triggers', 'disabled'])

function readTriggers(source: string): { disabled: boolean; triggers: TriggerState[] } | undefined {
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
 * `2025-01-02 08:00 Europe/Paris`: the first run after `reference` in the trigger's zone (UTC when
 * it names none); none for a cron Kestra rejects (`cronProblem`) or without a reference.
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

const flowTriggers = z.looseObject({
  disabled: z.unknown().optional(),
  triggers: z
    .array(z.unknown().transform((item) => jsonObject.safeParse(item).data))
    .catch([])
    .default([])
})

interface ReviewInput {
  missing: ReadonlyMap<string, MissingName[]>
  unfinished: ReadonlyMap<string, UnfinishedExecution[]>
  breaks: ReadonlyMap<string, ReadonlyMap<string, string[]>>
}

/**
 * Each flow's review attached (docs/caught-at-review.md). The fingerprint is left alone: what the
 * server holds at run time is no part of the reviewed change.
 */
export function withReview(plan: Plan, review: ReviewInput): Plan {
  const resources = plan.resources.map((r) => {
    if (r.kind !== 'flow') return r
    const key = keyOf(r)
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
        const words = breaks.get(`${keyOf(c)}\0${c.via}`)
        return words ? { ...c, breaks: words } : c
      })
      change = { ...change, impact: { ...change.impact, callers } }
    }
    return change
  })
  return { ...plan, resources }
}

const MAY_REFER = /flowId|\bread\s*\(/

/**
 * Every flow call and literal `read()` by the repository's and the managed server-only flows, and
 * the `outside` users Kestra's topology names (resources/flows/gather.ts).
 */
export function callGraph(
  repository: { flows: readonly FlowFile[]; references: readonly FlowReference[] },
  server: ReadonlyMap<string, { flows: readonly RemoteFlow[] }>,
  outside: readonly OutsideUser[] = []
): { calls: CallEdge[]; reads: FileRead[]; serverOnly: Set<string> } {
  // The repository's references come from its flows' checks: not walked again.
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
  // Users in namespaces the plan did not read, from Kestra's flow topology: no source, no line.
  for (const use of outside) {
    const key = keyOf(use.user)
    if (held.has(key)) continue
    serverOnly.add(key)
    const { namespace, id, via } = use
    calls.push({ caller: use.user, namespace, id, via, file: '', line: 1, column: 1 })
  }
  return { calls, reads, serverOnly }
}

/** A `Subflow` or `ForEachItem` task calling a flow whose inputs this plan changes. */
export interface CallSite extends Position {
  target: { namespace: string; id: string }
  caller: { namespace: string; id: string }
  via: 'subflow' | 'foreach'
  serverOnly: boolean
  file: string
  revision?: number
  /** Literal text undefined when computed by Pebble. */
  inputs: ({ key: string; literal?: string } & Position)[]
}

/** Updated flows some Subflow or ForEachItem task calls whose `inputs` differ from the server copy's. */
export function changedContracts(
  flows: readonly FlowChange[],
  calls: readonly CallEdge[]
): FlowChange[] {
  const called = new Set(calls.filter((call) => call.via !== 'flow-trigger').map(keyOf))
  return flows.filter(
    (f) =>
      f.action === 'update' &&
      f.current !== undefined &&
      f.desired !== undefined &&
      called.has(keyOf(f)) &&
      !sameInputs(f.current.source, f.desired)
  )
}

/**
 * The calls to those flows, read from the callers' sources; a call whose `inputs` is not a map is
 * not checked.
 */
export function callSites(
  targets: readonly FlowChange[],
  calls: readonly CallEdge[],
  sources: { repository: ReadonlyMap<string, FlowFile>; server: ReadonlyMap<string, FlowFile> }
): CallSite[] {
  const wanted = new Set(targets.map(keyOf))
  const callers = new Map<string, CallEdge['caller']>()
  for (const call of calls) {
    if (call.via !== 'flow-trigger' && wanted.has(keyOf(call))) {
      callers.set(keyOf(call.caller), call.caller)
    }
  }
  const sites: CallSite[] = []
  for (const [key, caller] of [...callers].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const repository = sources.repository.get(key)
    const flow = repository ?? sources.server.get(key)
    const first = flow?.documents[0]
    if (!flow || !first) continue
    const document = new FlowDocument(flow, first)
    if (!document.root || !document.aliases.safe) continue
    for (const link of flowLinks(document, taskTree(document))) {
      const { task, via } = link
      if (!task || via === 'flow-trigger') continue
      const namespace = document.string(link.namespace.value)
      const id = document.string(link.flowId.value)
      if (namespace === undefined || id === undefined) continue
      if (!wanted.has(flowKey(namespace, id))) continue
      const inputsEntry = document.get(task.map, 'inputs')
      if (inputsEntry && !document.map(inputsEntry.value) && !document.isNull(inputsEntry.value)) {
        continue
      }
      const revision = Number(document.string(document.get(task.map, 'revision')?.value))
      const at = (node: Node | null | undefined) => nodePosition(flow, node)
      sites.push({
        target: { namespace, id },
        caller,
        via,
        serverOnly: repository === undefined,
        file: repository ? flow.file : '',
        ...at(task.at),
        ...(Number.isInteger(revision) && revision > 0 && { revision }),
        inputs: document.entries(inputsEntry?.value).map((entry) => {
          const text = document.string(entry.value)
          const literal = text === undefined || /\{[{%]/.test(text) ? undefined : text
          return {
            key: String(entry.key.value),
            ...(literal !== undefined && { literal }),
            ...at(entry.key)
          }
        })
      })
    }
  }
  return sites
}

/**
 * Each call checked as Kestra checks it when the task runs: a required input without defaults not
 * passed, or a literal its type refuses, fails the task (an error; a warning for a server-only
 * caller); an undeclared input is dropped (a warning). A pinned revision's source is the one
 * checked.
 */
export function reviewContracts(
  sites: readonly CallSite[],
  targets: readonly FlowChange[],
  pinned: ReadonlyMap<string, string | undefined>
): { findings: Finding[]; breaks: Map<string, Map<string, string[]>> } {
  const findings: Finding[] = []
  const breaks = new Map<string, Map<string, string[]>>()
  const byKey = new Map(targets.map((t) => [keyOf(t), t]))
  for (const site of sites) {
    const targetKey = keyOf(site.target)
    const target = byKey.get(targetKey)!
    const source =
      site.revision === undefined ? target.desired : pinned.get(pinnedKey(targetKey, site.revision))
    const declared = source === undefined ? undefined : declaredInputs(source)
    if (!declared) continue
    const name = `${site.target.namespace}.${site.target.id}`
    const words: string[] = []
    const report = (fatal: boolean, text: string, at: { line: number; column: number }) => {
      words.push(text)
      findings.push(contractFinding(site, target, fatal, `${text}${fatal ? FAILS : DROPPED}`, at))
    }
    const revision = site.revision === undefined ? '' : ` (revision ${site.revision})`
    const given = new Set(site.inputs.map((i) => i.key))
    for (const input of declared.filter((d) => d.required && !d.hasDefaults && !given.has(d.id))) {
      report(true, `does not pass required input ${input.id} of ${name}${revision}`, site)
    }
    for (const passed of site.inputs) {
      const input = declared.find((d) => d.id === passed.key)
      if (!input) {
        report(
          false,
          `passes input ${passed.key}, which ${name}${revision} does not declare`,
          passed
        )
        continue
      }
      const why = passed.literal === undefined ? undefined : refusal(input, passed.literal)
      if (why)
        report(
          true,
          `passes ${passed.key}: ${why}, which input ${passed.key} of ${name}${revision} refuses`,
          passed
        )
    }
    if (words.length > 0) {
      const callers = breaks.get(targetKey) ?? new Map<string, string[]>()
      const callerKey = `${keyOf(site.caller)}\0${site.via}`
      callers.set(callerKey, [...(callers.get(callerKey) ?? []), ...words])
      breaks.set(targetKey, callers)
    }
  }
  return { findings, breaks }
}

const FAILS =
  ': the task fails when it runs (Kestra checks a call only then). Pass the input, give it defaults, or make it optional'
const DROPPED = ': Kestra drops it with a warning when the task runs. Remove it from the call'

function contractFinding(
  site: CallSite,
  target: FlowChange,
  fatal: boolean,
  text: string,
  at: { line: number; column: number }
): Finding {
  const resource = keyOf(site.caller)
  const what = site.via === 'foreach' ? 'ForEachItem' : 'Subflow'
  if (!site.serverOnly) {
    return {
      severity: fatal ? 'error' : 'warning',
      file: site.file,
      line: at.line,
      column: at.column,
      rule: 'subflow-contract',
      message: `${what} call ${text}`,
      resource
    }
  }
  return {
    severity: 'warning',
    file: target.file ?? '',
    line: inputsLine(target.desired ?? ''),
    rule: 'subflow-contract',
    message: `${site.caller.namespace}.${site.caller.id} (server only): its ${what} call ${text}`,
    resource
  }
}

function inputsLine(source: string): number {
  const index = source.search(/^inputs\s*:/m)
  return index < 0 ? 1 : source.slice(0, index).split('\n').length
}

export interface DeclaredInput {
  id: string
  type: string
  /** `required` defaults to true (docs/kestra.md#subflow-inputs). */
  required: boolean
  hasDefaults: boolean
  /** ENUM / SELECT values, when it refuses others. */
  values?: string[]
  min?: number
  max?: number
}

export function declaredInputs(source: string): DeclaredInput[] | undefined {
  const doc = parseDocument(source, { uniqueKeys: false })
  if (doc.errors.length > 0) return undefined
  const root = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null
  if (!root || typeof root !== 'object') return undefined
  const inputs = Array.isArray(root.inputs) ? root.inputs : []
  return inputs.flatMap((raw): DeclaredInput[] => {
    const input = (raw ?? {}) as Record<string, unknown>
    const id = input.id ?? input.name
    if (typeof id !== 'string') return []
    const type = typeof input.type === 'string' ? input.type.toUpperCase() : 'STRING'
    const values = Array.isArray(input.values) ? input.values.map(String) : undefined
    const closed = values && !(type === 'SELECT' && input.allowCustomValue === true)
    return [
      {
        id,
        type,
        required: input.required !== false && input.dependsOn === undefined,
        hasDefaults: input.defaults !== undefined && input.defaults !== null,
        ...(closed && input.required !== false && { values }),
        ...(typeof input.min === 'number' && { min: input.min }),
        ...(typeof input.max === 'number' && { max: input.max })
      }
    ]
  })
}

/** The same inputs, compared as Kestra reads them (order of declaration included). */
export function sameInputs(a: string, b: string): boolean {
  const text = topLevelText(a, INPUT_KEYS)
  if (text !== undefined && text === topLevelText(b, INPUT_KEYS)) return true
  return JSON.stringify(declaredInputs(a)) === JSON.stringify(declaredInputs(b))
}

const INPUT_KEYS: ReadonlySet<string> = new Set(['inputs'])

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const DURATION = /^[-+]?P(?!$)(\d+D)?(T(?=[\d.])(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/i
const INT = /^[-+]?\d+$/
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fFdD]?$/

/**
 * Why Kestra refuses this literal for the input when the task runs, or undefined when it takes it
 * (docs/caught-at-review.md#subflow-contracts). Only refusals certain from the text are reported: a
 * BOOLEAN takes any text (anything but `true` is false), a STRING any (its `validator` is a Java
 * pattern, not checked here).
 */
export function refusal(input: DeclaredInput, literal: string): string | undefined {
  const value = literal.trim()
  switch (input.type) {
    case 'INT': {
      if (!INT.test(value) || Number(value) < -(2 ** 31) || Number(value) > 2 ** 31 - 1) {
        return `'${literal}' is not an INT`
      }
      return bounds(input, Number(value))
    }
    case 'FLOAT':
      return FLOAT.test(value)
        ? bounds(input, Number(value.replace(/[fFdD]$/, '')))
        : `'${literal}' is not a FLOAT`
    case 'DATE':
      return DATE.test(value) && validDate(value)
        ? undefined
        : `'${literal}' is not a DATE (yyyy-mm-dd)`
    case 'TIME':
      return TIME.test(value) ? undefined : `'${literal}' is not a TIME (hh:mm:ss)`
    case 'DATETIME':
      return DATETIME.test(value) && validDate(value.slice(0, 10))
        ? undefined
        : `'${literal}' is not a DATETIME (an ISO-8601 instant with its offset)`
    case 'DURATION':
      return DURATION.test(value)
        ? undefined
        : `'${literal}' is not a DURATION (ISO-8601, e.g. PT5M)`
    case 'URI':
      return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)
        ? undefined
        : `'${literal}' is not a URI with a scheme`
    default:
      if (input.values && !input.values.includes(literal)) {
        return `'${literal}' is not one of ${input.values.join(', ')}`
      }
      return undefined
  }
}

function bounds(input: DeclaredInput, n: number): string | undefined {
  if (input.min !== undefined && n < input.min) return `${n} is below its min ${input.min}`
  if (input.max !== undefined && n > input.max) return `${n} is above its max ${input.max}`
  return undefined
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

interface NameCheck {
  findings: Finding[]
  /** Per flowKey, the names the server lacks, in the order written, once each. */
  missing: Map<string, MissingName[]>
  checked: number
}

const NOTICE_NAMES = 20

/**
 * A warning on each name the server does not define, by Kestra's lookup rules
 * (docs/kestra.md#kv-inheritance, #secrets); one notice naming what could not be checked.
 */
export function checkNames(
  refs: readonly NameReference[],
  listings: NameListings,
  defined?: DefinedNames
): NameCheck {
  const findings: Finding[] = []
  const missing = new Map<string, MissingName[]>()
  const unchecked: { ref: NameReference; reason: string }[] = []
  let checked = 0
  const secrets = secretLookup(listings.secrets)
  const ownOnly = listings.kvOwnNamespaceOnly === true
  const kv = kvLookup(listings.kv, ownOnly)
  // A name the repository's resources define where Kestra looks (a KV key of a kv file) exists once the plan
  // is deployed: the kind of a reference is the kind that defines it.
  const inRepository = (ref: NameReference) => {
    const scopes =
      ref.kind === 'kv' ? kvLookupScopes(ref, ownOnly) : [ref.namespace ?? ref.flowNamespace]
    return scopes.some((namespace) => defined?.has(ref.kind, namespace, ref.name) === true)
  }
  for (const ref of refs) {
    if (inRepository(ref)) {
      checked++
      continue
    }
    const lookup = ref.kind === 'secret' ? secrets : kv
    if (typeof lookup === 'string') {
      unchecked.push({ ref, reason: lookup })
      continue
    }
    checked++
    if (lookup(ref)) continue
    findings.push(missingFinding(ref, ownOnly))
    const names = missing.get(ref.fromFlow) ?? []
    if (!names.some((m) => m.kind === ref.kind && m.name === ref.name)) {
      names.push({ kind: ref.kind, name: ref.name })
    }
    missing.set(ref.fromFlow, names)
  }
  if (unchecked.length > 0) findings.push(uncheckedNotice(unchecked))
  return { findings, missing, checked }
}

/** Where a secret is looked for: its `namespace` argument, else the flow's namespace. */
function secretLookup(
  listing: NameListings['secrets']
): string | ((ref: NameReference) => boolean) {
  if (!listing) return 'the secrets were not listed'
  if (!listing.listed) return listing.reason
  const tenant = new Set(listing.value.tenant?.map((name) => name.toUpperCase()))
  const byNamespace = new Map(
    Object.entries(listing.value.byNamespace ?? {}).map(([namespace, names]) => [
      namespace,
      new Set(names.map((name) => name.toUpperCase()))
    ])
  )
  return (ref) => {
    const name = ref.name.toUpperCase()
    if (tenant.has(name)) return true
    return byNamespace.get(ref.namespace ?? ref.flowNamespace)?.has(name) === true
  }
}

/**
 * `kv('k')`: the flow's namespace, then each parent, nearest first (only the flow's own on a server that
 * looks nowhere else); `kv('k', namespace='x')`: only `x`.
 */
function kvLookup(
  listing: NameListings['kv'],
  ownOnly: boolean
): string | ((ref: NameReference) => boolean) {
  if (!listing) return 'the KV keys were not listed'
  if (!listing.listed) return listing.reason
  const keys = new Map(Object.entries(listing.value).map(([ns, names]) => [ns, new Set(names)]))
  return (ref) =>
    kvLookupScopes(ref, ownOnly).some((namespace) => keys.get(namespace)?.has(ref.name) === true)
}

function missingFinding(ref: NameReference, kvOwnOnly: boolean): Finding {
  const namespace = ref.namespace ?? ref.flowNamespace
  const where = ref.namespace === undefined && !kvOwnOnly ? ' nor its parent namespaces' : ''
  const effect = kvOwnOnly
    ? "kv() gives the task null when it runs (this Kestra looks in the flow's own namespace only and does not fail on a missing key)"
    : 'the task using it fails when it runs'
  const message =
    ref.kind === 'secret'
      ? `secret ${ref.name} is not defined for namespace ${namespace}: the task using it fails when it runs. Define the secret on the server (Kestra OSS: the environment variable SECRET_${ref.name.toUpperCase()}, base64-encoded) or fix the name`
      : `KV key ${ref.name} is not defined for namespace ${namespace}${where}: ${effect}. Create the key in the KV store, pass errorOnMissing=false if it is optional, or fix the name`
  return {
    severity: 'warning',
    file: ref.file,
    line: ref.line,
    column: ref.column,
    rule: ref.kind === 'secret' ? 'missing-secret' : 'missing-kv-key',
    message,
    resource: ref.fromFlow
  }
}

function uncheckedNotice(unchecked: { ref: NameReference; reason: string }[]): Finding {
  const parts: string[] = []
  for (const kind of ['secret', 'kv'] as const) {
    const mine = unchecked.filter((u) => u.ref.kind === kind)
    if (mine.length === 0) continue
    const names = [...new Set(mine.map((u) => u.ref.name))]
    const shown = names.slice(0, NOTICE_NAMES).join(', ')
    const more = names.length > NOTICE_NAMES ? ` and ${names.length - NOTICE_NAMES} more` : ''
    const what = kind === 'secret' ? 'Secret names' : 'KV keys'
    parts.push(`${what} were not checked (${mine[0]!.reason}): ${shown}${more}.`)
  }
  const first = unchecked[0]!.ref
  return {
    severity: 'notice',
    file: first.file,
    line: first.line,
    column: first.column,
    rule: 'names-not-checked',
    message: `${parts.join(' ')} They may be missing on the server: check them there.`
  }
}
