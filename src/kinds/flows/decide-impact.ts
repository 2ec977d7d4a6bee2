import type { Finding } from '../../model/finding.js'
import { fileKey, flowKey } from '../../model/targets.js'
import { sha256Hex, compareCodeUnits } from '../../model/content.js'
import { triggerChanges } from './decide-triggers.js'
import {
  isWrite,
  type FlowCaller,
  type FileChange,
  type FlowChange,
  type FlowImpact,
  type Plan
} from '../../model/plan.js'

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
export interface FileRead {
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
   * (kinds/flows/gather-users.ts): each a warning naming what was not searched.
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
