import { flowKey } from '../model/targets.js'
import type { KestraServer } from '../kestra/api.js'
import { errorMessage } from '../model/errors.js'
import type { NameListings, NameReference } from '../model/names.js'
import { valueOfEnded, type Outcome } from '../model/outcome.js'
import {
  callSites,
  changedContracts,
  checkNames,
  readPinnedRevisions,
  reviewContracts,
  withReview,
  type CallEdge,
  type CallSite
} from '../kinds/index.js'
import type { FlowChange, Plan, UnfinishedExecution, UnfinishedReading } from '../model/plan.js'
import { parseFlowFile } from '../model/flow-file.js'
import type { FlowFile, RepoModel } from '../model/repository.js'
import type { Reporter } from '../report/reporter.js'
import type { ActualNamespace } from '../model/plan-input.js'
import type { Finding } from '../model/finding.js'
import { unfinishedText } from '../decide/render/headline.js'

interface ReviewArgs {
  plan: Plan
  kestra: KestraServer
  model: RepoModel
  state: ReadonlyMap<string, ActualNamespace>
  calls: readonly CallEdge[]
  names: readonly NameReference[]
  /** Read while the repository loaded (a failed read throws where used). */
  listings?: Outcome<NameListings>
  /** Read with the server state. */
  unfinished: UnfinishedReading
  /**
   * Every repository flow's names, not only the written ones': any plan but a pull request's
   * (docs/caught-at-review.md#which-flows-are-checked).
   */
  everyFlow?: boolean
}

/** The reads that depend on the plan: unfinished executions, revisions calls pin (docs/caught-at-review.md). */
export async function gatherReview(args: ReviewArgs) {
  const targets = changedContracts(flowChanges(args.plan), args.calls)
  const sites = targets.length === 0 ? [] : callSitesOf(args, targets)
  const [unfinished, pinned] = await Promise.all([
    args.unfinished,
    sites.length === 0
      ? new Map<string, string | undefined>()
      : readPinnedRevisions(args.kestra, sites)
  ])
  return { unfinished, contracts: { targets, sites, pinned } }
}

/**
 * What would fail at run time, over what `gatherReview` read: missing names, unfinished executions, broken calls
 * (docs/caught-at-review.md).
 */
export function decideReview(
  args: Pick<ReviewArgs, 'plan' | 'names' | 'listings' | 'everyFlow'>,
  reads: Awaited<ReturnType<typeof gatherReview>>,
  reporter: Reporter
): { plan: Plan; findings: Finding[]; notes: string[] } {
  const flows = flowChanges(args.plan)
  const names = reviewNames(args, flows, reporter)
  const unfinished = reviewExecutions(reads.unfinished, flows, reporter)
  const { sites, targets, pinned } = reads.contracts
  const contracts =
    targets.length === 0
      ? { findings: [], breaks: new Map<string, Map<string, string[]>>() }
      : reviewContracts(sites, targets, pinned)
  const plan = withReview(args.plan, {
    missing: names.missing,
    unfinished: unfinished.byFlow,
    breaks: contracts.breaks
  })
  const findings = [...names.findings, ...unfinished.findings, ...contracts.findings]
  return { plan, findings, notes: names.note ? [names.note] : [] }
}

function flowChanges(plan: Plan): FlowChange[] {
  return plan.resources.filter((r): r is FlowChange => r.kind === 'flow')
}

/**
 * The names of the flows the plan writes (every flow with `everyFlow`: validate with a server checks every
 * flow's `secret()` and `kv()` names); a plan skipping some says how many, so a name deleted on the server does
 * not vanish from every report (docs/caught-at-review.md#which-flows-are-checked).
 */
export function reviewNames(
  args: Pick<ReviewArgs, 'names' | 'listings' | 'everyFlow'>,
  flows: FlowChange[],
  reporter: Reporter
) {
  const written = new Set(
    flows
      .filter((f) => f.action === 'create' || f.action === 'update')
      .map((f) => flowKey(f.namespace, f.id))
  )
  const refs = args.everyFlow ? args.names : args.names.filter((ref) => written.has(ref.fromFlow))
  const skipped = args.names.filter((ref) => !refs.includes(ref))
  const note =
    skipped.length > 0
      ? `${skipped.length} secret and KV reference(s) in ${new Set(skipped.map((ref) => ref.fromFlow)).size} flow(s) this pull request does not change were not checked against the server; a plan of the branch (a push, workflow_dispatch, or 'kestra-gitops plan') checks every flow.`
      : undefined
  if (note) reporter.info(note)
  if (refs.length === 0) return { findings: [], missing: new Map(), note }
  const checked = checkNames(refs, args.listings ? valueOfEnded(args.listings) : {})
  reporter.info(
    `${checked.checked} secret and KV reference(s) checked: ${checked.findings.filter((f) => f.severity === 'warning').length} not defined on the server.`
  )
  return { ...checked, note }
}

function reviewExecutions(
  reading: UnfinishedReading,
  flows: FlowChange[],
  reporter: Reporter
): { byFlow: Map<string, UnfinishedExecution[]>; findings: Finding[] } {
  const guarded = flows.filter((f) => f.action === 'update' || f.action === 'delete')
  if (guarded.length === 0) return { byFlow: new Map(), findings: [] }
  if ('byFlow' in reading) {
    for (const flow of guarded) {
      const executions = reading.byFlow.get(flowKey(flow.namespace, flow.id))
      if (!executions) continue
      const states = [...new Set(executions.map((e) => e.state))].sort()
      reporter.info(
        `${flow.namespace}.${flow.id}: ${unfinishedText(executions)} (${states.join(', ')})`
      )
    }
    return { byFlow: reading.byFlow, findings: [] }
  }
  const file = guarded.find((f) => f.file)?.file ?? ''
  const names = guarded.map((f) => `${f.namespace}.${f.id}`).join(', ')
  const notice: Finding = {
    severity: 'notice',
    file,
    line: 1,
    rule: 'executions-not-checked',
    message: `Executions not finished were not counted for ${names}: ${errorMessage(reading.error)}. The deploy reads them again right before its first write when running-executions is wait or fail.`
  }
  return { byFlow: new Map(), findings: [notice] }
}

function callSitesOf(
  args: Pick<ReviewArgs, 'model' | 'state' | 'calls'>,
  targets: FlowChange[]
): CallSite[] {
  const repository = new Map<string, FlowFile>()
  for (const flow of args.model.flows) {
    if (!flow.notAFlow && flow.namespace && flow.id) {
      repository.set(flowKey(flow.namespace, flow.id), flow)
    }
  }
  // Only the server-only flows calling a changed flow are parsed again.
  const wanted = new Set(targets.map((t) => flowKey(t.namespace, t.id)))
  const callers = new Set(
    args.calls
      .filter((call) => wanted.has(flowKey(call.namespace, call.id)))
      .map((call) => flowKey(call.caller.namespace, call.caller.id))
  )
  const server = new Map<string, FlowFile>()
  for (const [namespace, { flows: remote }] of args.state) {
    for (const flow of remote) {
      const key = flowKey(namespace, flow.id)
      if (callers.has(key) && !repository.has(key)) {
        server.set(key, parseFlowFile({ file: '', rel: '', raw: flow.source }))
      }
    }
  }
  return callSites(targets, args.calls, { repository, server })
}
