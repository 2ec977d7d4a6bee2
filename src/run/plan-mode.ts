import { mkdirSync, writeFileSync } from 'node:fs'
import type { RunContext } from '../context.js'
import type { ActualNamespace, BaseSnapshot, PlanInput } from '../plan/input.js'
import { buildPlan } from '../plan/build.js'
import { callGraph } from '../plan/call-graph.js'
import { withImpact } from '../plan/impact.js'
import { planFilePath, planJson } from '../plan/plan-json.js'
import { countPlan, hasChanges } from '../plan/counts.js'
import type { Plan, PlanCounts, ResourceChange } from '../plan/types.js'
import type { ChangedFiles } from '../repo/changed-files.js'
import { commitTime } from '../repo/commit-time.js'
import type { RepoModel } from '../repo/model.js'
import type { FlowReference } from '../validate/references.js'
import { renderComment } from '../render/comment.js'
import { countsText } from '../render/headline.js'
import type { ReportInput } from '../render/input.js'
import { commentMarker } from '../render/markers.js'
import { renderSummary } from '../render/summary.js'
import type { Mode, Settings } from '../settings.js'
import type { Finding } from '../validate/finding.js'
import { baseCommit, baseFromApi } from '../plan/base-snapshot.js'
import { desiredState } from '../plan/desired.js'
import { driftPlan } from '../drift/drifted.js'
import type { RunPorts } from './ports.js'
import { sortFindings } from '../validate/verdict.js'
import { phase } from '../report/phase.js'
import { readUnfinishedEarly, reviewPlan, type ReviewArgs } from './review.js'
import { maybeRewritten } from '../plan/review.js'

export interface PlanModeArgs {
  settings: Settings
  context: RunContext
  ports: RunPorts
  model: RepoModel
  /** The repository flows' references, collected by the checks. */
  references: FlowReference[]
  changed: ChangedFiles
  state: Map<string, ActualNamespace>
  /** The base commit's snapshot being read (readBaseSnapshot), when the event has a base. */
  base?: Promise<BaseSnapshot | undefined>
  report: ReportInput
  mode: Mode
  /** What the review reads and checks (docs/caught-at-review.md). */
  review: Pick<ReviewArgs, 'kestra' | 'names' | 'listings'>
}

/**
 * Computes the plan and its impact, writes the plan file and outputs, and posts the sticky PR comment.
 * `findings` are the run's findings with the impact's warnings added.
 */
export async function planMode(
  args: PlanModeArgs
): Promise<{ plan: Plan; summary: string; findings: Finding[] }> {
  const { settings, context, ports, model, changed, state } = args
  const baseSha = baseCommit(context)
  const desiring = desiredState(model, state)
  // The executions of the flows the plan may rewrite are read while the base commit is read and the plan built.
  const unfinished = desiring.then(
    (wanted) =>
      readUnfinishedEarly(
        args.review.kestra,
        settings,
        maybeRewritten(wanted.flows, state, settings.delete)
      ),
    (error: unknown) => ({ error }) // the plan fails on it below
  )
  const [desired, base, reference] = await Promise.all([
    desiring,
    args.base,
    commitTime(context.workspace, context.sha)
  ])
  const input: PlanInput = {
    namespaces: model.managedNamespaces,
    desired,
    actual: state,
    scope: settings.scope,
    changedFiles: changed.kind === 'list' ? changed.paths : undefined,
    base,
    deleteEnabled: settings.delete
  }
  const { reporter } = ports
  const { plan, findings: impactFindings } = await phase(
    reporter,
    'Plan',
    async () => {
      let built = buildPlan(input)
      if (baseSha && !input.base && ports.github) {
        built = buildPlan({ ...input, base: await baseFromApi(built, ports.github, baseSha) })
      }
      // A drift run plans the default branch's head: every difference is drift (docs/drift.md).
      if (args.mode === 'drift') built = driftPlan(built)
      const graph = callGraph({ flows: model.flows, references: args.references }, state)
      const impact = withImpact(built, { ...graph, reference })
      for (const [namespace, counts] of countsByNamespace(impact.plan)) {
        reporter.info(`${namespace}: ${countsText(counts)}`)
      }
      const reviewed = await reviewPlan({
        ...args.review,
        unfinished,
        plan: impact.plan,
        settings,
        model,
        state,
        calls: graph.calls,
        reporter
      })
      return { plan: reviewed.plan, findings: [...impact.findings, ...reviewed.findings] }
    },
    ({ plan }) => `Plan: ${countsText(plan.counts)} (fingerprint ${plan.fingerprint.slice(0, 12)}).`
  )
  const findings = sortFindings([...args.report.findings, ...impactFindings])
  const report: ReportInput = { ...args.report, findings, plan }
  const { edge } = ports
  const planFile = planFilePath(context.runnerTemp, settings.commentKey)
  const planDocument = planJson(plan, {
    mode: report.mode,
    server: settings.server ?? '',
    tenant: settings.tenant,
    commit: context.sha,
    findings: report.findings
  })
  mkdirSync(context.runnerTemp, { recursive: true })
  writeFileSync(planFile, edge.text(`${JSON.stringify(edge.shown(planDocument), null, 2)}\n`))
  reporter.setOutput('plan-file', planFile)
  reporter.setOutput('plan-fingerprint', plan.fingerprint)
  reporter.setOutput('has-changes', hasChanges(plan.counts))
  const shown = edge.shown(report)
  await postComment(args, shown)
  return { plan, summary: renderSummary(shown), findings }
}

function countsByNamespace(plan: Plan): Map<string, PlanCounts> {
  const groups = new Map<string, ResourceChange[]>()
  for (const r of plan.resources) {
    const group = groups.get(r.namespace)
    if (group) group.push(r)
    else groups.set(r.namespace, [r])
  }
  return new Map([...groups].map(([namespace, resources]) => [namespace, countPlan(resources)]))
}

async function postComment(args: PlanModeArgs, report: ReportInput): Promise<void> {
  const { settings, context, ports } = args
  const pr = context.pullRequest
  if (!settings.comment || !pr || context.eventName === 'merge_group') return
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
    body
  )
  if (outcome.status === 'forbidden') {
    ports.reporter.warning(`The pull-request comment could not be written: ${outcome.message}`)
    return
  }
  ports.reporter.setOutput('comment-url', outcome.url)
  ports.reporter.info(`Pull-request comment ${outcome.status}: ${outcome.url}`)
}

export function runUrl(context: RunContext): string | undefined {
  if (!context.runId || !context.owner) return undefined
  return `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`
}
