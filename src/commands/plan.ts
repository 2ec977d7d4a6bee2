import type { RunContext } from '../model/context.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import type { ActualNamespace, PlanInput } from '../model/plan-input.js'
import { buildPlan } from '../engine/plan/build.js'
import {
  callGraph,
  callSites,
  contractCalls,
  checkNames,
  deletedKeysInUse,
  executionLoopFindings,
  outsideUsers,
  readPinnedRevisions,
  reviewContracts,
  withImpact,
  withReview,
  type CallEdge,
  repoFlowsOf
} from '../resources/registry.js'
import { planJson } from '../engine/plan/plan-json.js'
import { writePlanFile } from '../report/plan-file.js'
import { countPlan, hasChanges } from '../model/plan.js'
import type {
  FlowChange,
  Plan,
  PlanCounts,
  ResourceChange,
  UnfinishedExecution,
  UnfinishedReading
} from '../model/plan.js'
import { MISSING_FOLDER, type RepoModel } from '../model/repository.js'
import { renderComment, renderSummary } from '../report/render/report.js'
import { countsText, unfinishedText } from '../report/render/headline.js'
import { renderedReport, type ReportInput } from '../report/render/input.js'
import { commentMarker } from '../model/markdown/comment-markers.js'
import type { Finding } from '../model/finding.js'
import { baseFromApi } from '../engine/snapshot/base-snapshot.js'
import { baseCommit } from '../engine/snapshot/changed.js'
import { driftPlan } from '../engine/drift/drifted.js'
import type { TargetRun } from './ports.js'
import { listingsOf, namesOf, referencesOf, unfinishedOf, type Checked } from './check.js'
import { type Outcome, valueOfEnded } from '../model/outcome.js'
import { ActionError, errorMessage } from '../model/errors.js'
import type { Kind } from '../resources/resource.js'
import { mergeRefusedNote, sortFindings } from '../engine/validate/verdict.js'
import { phase } from '../report/phase.js'
import { flowKey } from '../model/targets.js'
import { headBase, type BaseSnapshot } from '../model/plan-input.js'
import type { DriftBase } from '../model/drift.js'
import { short } from '../model/commit-marker.js'
import { driftBaseNotes } from '../report/render/ui-work.js'
import type { DefinedNames, NameListings, NameReference } from '../model/names.js'
import type { Reporter } from '../report/reporter.js'

interface PlanModeArgs extends TargetRun {
  kestra: KestraServer
  checked: Checked
  /** The server state planned against. */
  state: ReadonlyMap<string, ActualNamespace>
  report: ReportInput
  kinds: readonly Kind[]
}

/** Computes the plan and its impact, writes the plan file and outputs, and posts the sticky PR comment. */
export async function planMode(args: PlanModeArgs): Promise<{
  plan: Plan
  summary: string
  findings: Finding[]
  notes: string[]
  driftBase?: DriftBase
}> {
  const { ports } = args
  const { desired, commitTime } = args.checked.snapshot
  if (desired === undefined) {
    throw new ActionError('a plan needs the snapshot of a plan or deploy run')
  }
  const reviewed = await phase(
    ports.reporter,
    'Plan',
    () => reviewedPlan(args, desired, commitTime),
    ({ plan }) => `Plan: ${countsText(plan.counts)} (fingerprint ${plan.fingerprint.slice(0, 12)}).`
  )
  const { plan } = reviewed
  const findings = sortFindings([...args.report.findings, ...reviewed.findings])
  const refused = mergeRefusedNote(args.report.findings)
  for (const note of refused) ports.reporter.info(note)
  const notes = [...(args.report.notes ?? []), ...reviewed.notes, ...refused]
  const report: ReportInput = {
    ...args.report,
    findings,
    plan,
    notes,
    driftBase: reviewed.driftBase
  }
  const shown = ports.edge.shown(renderedReport(report))
  // GitHub writes the comment while the plan file and the summary are made: they wait until it leaves.
  let sent!: () => void
  const leaving = new Promise<void>((resolve) => (sent = resolve))
  const commenting = postComment(args, shown, sent)
  await Promise.race([leaving, commenting.catch(() => undefined)])
  // A request told to leave is written once the event loop has turned past its timers.
  await new Promise((resume) => setTimeout(resume, 1))
  writePlanOutputs(args, report, plan)
  const summary = renderSummary(shown)
  await commenting
  return { plan, summary, findings, notes, driftBase: reviewed.driftBase }
}

/** The plan, its impact, and what the review caught (docs/caught-at-review.md). */
async function reviewedPlan(
  args: PlanModeArgs,
  desired: PlanInput['desired'],
  reference: Date | undefined
): Promise<{ plan: Plan; findings: Finding[]; notes: string[]; driftBase?: DriftBase }> {
  const { checked, state, ports } = args
  const { plan: built, driftBase } = await plannedChanges(args, desired)
  const { graph, impact } = await impactOf(args, built, reference)
  for (const [namespace, counts] of countsByNamespace(impact.plan)) {
    ports.reporter.info(`${namespace}: ${countsText(counts)}`)
  }
  const listings = listingsOf(checked)
  const unfinished = unfinishedOf(checked) ?? { byFlow: new Map() }
  const review = {
    kestra: args.kestra,
    names: namesOf(checked),
    defined: checked.defined,
    listings,
    unfinished,
    state,
    plan: impact.plan,
    model: checked.model,
    calls: graph.calls,
    // A pull request reviews what it changes; any other plan checks every flow's names.
    everyFlow: args.context.pullRequest === undefined,
    preview: args.target.transientEnvironment
  }
  const reviewed = decideReview(review, await gatherReview(review), ports.reporter)
  const { serverVersion } = checked
  const loops = executionLoopFindings(graph.calls, impact.plan, serverVersion, args.report.findings)
  const gone = usesOfGone(args.kinds, checked.snapshot.kinds, impact.plan, review.preview)
  const findings = [...impact.findings, ...loops, ...reviewed.findings, ...gone]
  const baseNotes = driftBaseNotes(driftBase)
  for (const note of baseNotes) ports.reporter.info(note)
  return { plan: reviewed.plan, findings, notes: [...baseNotes, ...reviewed.notes], driftBase }
}

/** What each kind's resources still use of what the plan deletes or orphans (`reviewPlan`). */
function usesOfGone(
  kinds: readonly Kind[],
  held: ReadonlyMap<string, unknown>,
  plan: Plan,
  preview: boolean | undefined
): Finding[] {
  return kinds.flatMap(({ decide }) => {
    const of = held.get(decide.name)
    if (!decide.reviewPlan || of === undefined) return []
    return inPreview(decide.reviewPlan(of, plan), preview)
  })
}

/**
 * A use of what the plan deletes, in a preview: what it deletes is its pull request's own earlier resource, so a
 * warning, as what the pull request lacks is in its plan (docs/impact.md#deleting-what-is-still-used).
 */
function inPreview(findings: Finding[], preview: boolean | undefined): Finding[] {
  return preview ? findings.map((finding) => ({ ...finding, severity: 'warning' })) : findings
}

/**
 * The plan's impact (docs/impact.md): the sources' calls, and the users Kestra names outside the managed
 * namespaces for deleted flows.
 */
async function impactOf(args: PlanModeArgs, built: Plan, reference: Date | undefined) {
  const { state, checked } = args
  const deleted = built.resources.filter(
    (r): r is FlowChange => r.kind === 'flow' && r.action === 'delete'
  )
  const outside = await outsideUsers(args.kestra, deleted, state, args.settings.concurrency)
  const repository = { flows: repoFlowsOf(checked.model), references: referencesOf(checked) }
  const graph = callGraph(repository, state, outside.users)
  const impact = withImpact(built, {
    ...graph,
    reference,
    unsearched: outside.unsearched,
    searched: [...state.keys()]
  })
  return { graph, impact }
}

/**
 * The snapshot's plan; in a shallow clone without the base commit, its files' base versions come through GitHub.
 */
async function plannedChanges(
  args: PlanModeArgs,
  desired: PlanInput['desired']
): Promise<{ plan: Plan; driftBase?: DriftBase }> {
  const { target, context, ports, state, checked } = args
  const { model, changed } = checked
  const { base } = checked.snapshot
  // A drift run plans the default branch's head: it is the base, every difference is drift (docs/drift.md).
  const drift = target.work.writes === 'drift'
  // docs/layouts.md#a-folder-that-does-not-exist: with a missing input folder, what seems gone may be a typo's
  // doing.
  const heldBack = model.readProblems.some((problem) => problem.rule === MISSING_FOLDER)
  const input: PlanInput = {
    against: args.kestra.target,
    namespaces: model.managedNamespaces,
    desired,
    actual: state,
    scope: target.scope,
    changedFiles: changed.kind === 'list' ? changed.paths : undefined,
    base: drift ? headBase() : heldBackBase(base && valueOfEnded(base), heldBack),
    deleteEnabled: target.delete && !heldBack
  }
  const kinds = args.kinds.map((kind) => kind.decide)
  const held = checked.snapshot.kinds
  let built = buildPlan(input, kinds, held)
  const baseSha = drift ? undefined : baseCommit(context)
  let api = false
  if (baseSha && !input.base && ports.github) {
    const gathers = args.kinds.flatMap((kind) => (kind.gather ? [kind.gather] : []))
    const base = await baseFromApi(built, ports.github, baseSha, gathers)
    built = buildPlan({ ...input, base }, kinds, held)
    api = true
  }
  if (target.delete && heldBack) {
    for (const change of built.resources) {
      if (change.action === 'orphaned')
        change.remark = 'kept: an input names a folder that does not exist'
    }
  }
  if (drift) return { plan: driftPlan(built) }
  return { plan: built, driftBase: driftBaseOf(context, input.base, built.namespaces, api) }
}

/** A folder that does not exist hides its files at the base too: there, absence proves nothing (not created). */
function heldBackBase(base: BaseSnapshot | undefined, heldBack: boolean): BaseSnapshot | undefined {
  return base && heldBack ? { ...base, partial: true } : base
}

/**
 * What the plan's drift was measured against (docs/drift.md#drift-by-default): the event's base commit for every
 * namespace, else each namespace's last deployed commit, with why a namespace had none.
 */
function driftBaseOf(
  context: RunContext,
  base: BaseSnapshot | undefined,
  namespaces: readonly string[],
  api: boolean
): DriftBase | undefined {
  if (base?.deployed) return { from: 'deployed', ...base.deployed }
  const sha = baseCommit(context)
  if (!sha) return undefined
  const from = context.pullRequest ? 'pull-request' : context.local ? 'base-flag' : 'push'
  const each = (value: string) => new Map(namespaces.map((namespace) => [namespace, value]))
  if (base === undefined) {
    const why = `commit ${short(sha)} is not in this checkout (a shallow clone: check out with fetch-depth: 0)`
    return { from, commits: new Map(), unchecked: each(why) }
  }
  return { from, commits: each(sha), unchecked: new Map(), ...(api && { api: true as const }) }
}

/** The plan file (the plan as JSON, shown as the output edge shows text) and the plan's outputs. */
function writePlanOutputs(args: PlanModeArgs, report: ReportInput, plan: Plan): void {
  const { settings, context, ports } = args
  const { edge, reporter } = ports
  const planDocument = planJson(plan, {
    mode: report.mode,
    ...args.kestra.target,
    commit: context.sha,
    settings: settings.recorded,
    findings: report.findings,
    kinds: args.kinds.map((kind) => kind.decide)
  })
  const planFile = writePlanFile(
    context.runnerTemp,
    settings.commentKey,
    edge.text(`${JSON.stringify(edge.shown(planDocument), null, 2)}\n`)
  )
  reporter.setOutput('plan-file', planFile)
  reporter.setOutput('plan-fingerprint', plan.fingerprint)
  reporter.setOutput('has-changes', hasChanges(plan.counts))
}

function countsByNamespace(plan: Plan): Map<string, PlanCounts> {
  const groups = new Map<string, ResourceChange[]>()
  for (const r of plan.resources) {
    const name = r.section ?? r.namespace
    const group = groups.get(name)
    if (group) group.push(r)
    else groups.set(name, [r])
  }
  return new Map([...groups].map(([namespace, resources]) => [namespace, countPlan(resources)]))
}

/** The plan's comment on its pull request; `sent` is told when GitHub's first request leaves (or none will). */
async function postComment(
  args: PlanModeArgs,
  report: ReportInput,
  sent: () => void
): Promise<void> {
  const { settings, target, context, ports } = args
  const pr = context.pullRequest
  if (!target.comment || !pr || context.eventName === 'merge_group') return
  if (!ports.github) {
    ports.reporter.warning(
      'No github-token: the pull-request comment was not written (the job summary has the plan).'
    )
    return
  }
  const body = renderComment({
    ...report,
    commentKey: settings.commentKey,
    runUrl: runUrl(context)
  })
  const outcome = await ports.github.upsertStickyComment(
    pr.number,
    commentMarker(settings.commentKey),
    body,
    args.checked.snapshot.comments,
    sent
  )
  if (outcome.status === 'forbidden') {
    ports.reporter.warning(`The pull-request comment could not be written: ${outcome.message}`)
    return
  }
  ports.reporter.setOutput('comment-url', outcome.url)
  ports.reporter.info(`Pull-request comment ${outcome.status}: ${outcome.url}`)
  for (const number of pr.sameHead ?? []) {
    const also = await ports.github.upsertStickyComment(
      number,
      commentMarker(settings.commentKey),
      body
    )
    if (also.status === 'forbidden') {
      ports.reporter.warning(
        `The comment on pull request #${number} (the same head and base as #${pr.number}) could not be written: ${also.message}`
      )
    } else {
      ports.reporter.info(
        `Pull-request comment ${also.status} on #${number}, which has the same head and base as #${pr.number}: ${also.url}`
      )
    }
  }
}

export function runUrl(context: RunContext): string | undefined {
  if (!context.runId || !context.owner) return undefined
  return `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`
}

interface ReviewArgs {
  plan: Plan
  kestra: KestraServer
  model: RepoModel
  state: ReadonlyMap<string, ActualNamespace>
  calls: readonly CallEdge[]
  names: readonly NameReference[]
  /** What the repository's resources define once deployed: a KV key the plan creates is not missing. */
  defined?: DefinedNames
  /** Read while the repository loaded (a failed read throws where used). */
  listings?: Outcome<NameListings>
  /** Read with the server state. */
  unfinished: UnfinishedReading
  /**
   * Every repository flow's names, not only the written ones': any plan but a pull request's
   * (docs/caught-at-review.md#which-flows-are-checked).
   */
  everyFlow?: boolean
  /**
   * A preview: a KV key it deletes is its pull request's own earlier one, so a flow still reading it is a warning, as
   * a key the pull request lacks is in its plan (docs/impact.md#deleting-what-is-still-used).
   */
  preview?: boolean
}

/** The read that depends on the plan: the revisions that calls pin (docs/caught-at-review.md). */
async function gatherReview(args: ReviewArgs) {
  const checked = contractCalls(flowChanges(args.plan), args.calls)
  const { targets } = checked
  const sites = checked.calls.length === 0 ? [] : callSites(checked, args)
  const pinned =
    sites.length === 0
      ? new Map<string, string | undefined>()
      : await readPinnedRevisions(args.kestra, sites)
  return { targets, sites, pinned }
}

/**
 * What would fail at run time, over what `gatherReview` read: missing names, unfinished executions, broken calls
 * (docs/caught-at-review.md).
 */
function decideReview(
  args: ReviewArgs,
  reads: Awaited<ReturnType<typeof gatherReview>>,
  reporter: Reporter
): { plan: Plan; findings: Finding[]; notes: string[] } {
  const flows = flowChanges(args.plan)
  const names = reviewNames(args, flows, reporter)
  const unfinished = reviewExecutions(args.unfinished, flows, reporter)
  const { sites, targets, pinned } = reads
  const contracts =
    targets.length === 0
      ? { findings: [], breaks: new Map<string, Map<string, string[]>>() }
      : reviewContracts(sites, targets, pinned)
  const plan = withReview(args.plan, {
    missing: names.missing,
    unfinished: unfinished.byFlow,
    breaks: contracts.breaks
  })
  const keys = inPreview(
    deletedKeysInUse(args.names, args.plan, args.listings, args.defined),
    args.preview
  )
  const findings = [...names.findings, ...keys, ...unfinished.findings, ...contracts.findings]
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
  args: Pick<ReviewArgs, 'names' | 'defined' | 'listings' | 'everyFlow'>,
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
  const listings = args.listings ? valueOfEnded(args.listings) : {}
  const checked = checkNames(refs, listings, args.defined)
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
