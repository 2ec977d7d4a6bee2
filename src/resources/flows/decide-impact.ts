import { compareCodeUnits, sha256Hex } from '../../model/content.js'
import type { Finding } from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import {
  type FlowCaller,
  type FlowChange,
  type FlowImpact,
  isWrite,
  type MissingName,
  type Plan,
  type UnfinishedExecution
} from '../../model/plan.js'
import type { ActualNamespace } from '../../model/plan-input.js'
import type { FlowReference, OutsideUser } from '../../model/references.js'
import type { FlowFile, Position } from '../../model/repository.js'
import { fileKey, flowKey } from '../../model/targets.js'
import { CALLS, collectReferences } from './decide-references.js'
import { triggerChanges } from './decide-trigger-changes.js'
import { serverFlowsOf } from './decide-server-state.js'

/** One flow calling (or triggered by) another, as read from a source the plan already holds. */
export interface CallEdge extends Position {
  caller: { namespace: string; id: string }
  namespace: string
  id: string
  via: FlowCaller['via']
  /** Where the call is written; '' for a caller only the server holds. */
  file: string
  /** Kestra 2.0 counts it in an execution loop (`FlowReference`). */
  unconditional?: true
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

export function keyOf(flow: { namespace: string; id: string }): string {
  return flowKey(flow.namespace, flow.id)
}

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
  server: ReadonlyMap<string, ActualNamespace>,
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
        const { id, via, unconditional } = ref
        calls.push({
          caller,
          namespace,
          id,
          via,
          file,
          line,
          column,
          ...(unconditional && { unconditional })
        })
      } else reads.push({ reader: caller, namespace, path: ref.path, file, line, column })
    }
  }
  for (const ref of repository.references) {
    const caller = held.get(ref.fromFlow)
    if (caller) add([ref], caller)
  }
  const serverOnly = new Set<string>()
  for (const [namespace, actual] of server) {
    for (const remote of serverFlowsOf(actual)) {
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
