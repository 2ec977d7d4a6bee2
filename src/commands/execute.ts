import { DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import { repositoryUrl } from '../report/render/findings.js'
import { onPullRequest, type RunContext } from '../model/context.js'
import type { ReportInput } from '../report/render/input.js'
import { renderSummary } from '../report/render/report.js'
import type { Mode, Settings } from '../model/settings.js'
import type { Target, Work } from '../model/target.js'
import { compareFindings, type Finding } from '../model/finding.js'
import type { DeployResult } from '../model/result.js'
import { applyMode } from './deploy.js'
import { driftBranchOf } from '../engine/snapshot/drift-reads.js'
import type { RunReads } from '../engine/snapshot/run-reads.js'
import { check, fileChecksOf, listingsOf, namesOf, type Checked } from './check.js'
import { failureMessage, findingCounts } from '../engine/validate/verdict.js'
import { planMode, reviewNames } from './plan.js'
import { type Upgrade, upgradeMode, upgradeReadiness } from './upgrade.js'
import { DECIDE_KINDS, KINDS, repoFlowsOf } from '../resources/registry.js'
import type { RunPorts, TargetRun } from './ports.js'
import { type Reporter, setCountOutputs } from '../report/reporter.js'
import type { PlanCounts } from '../model/plan.js'
import { driftMode } from './drift.js'
import { type Suggesting, suggestions } from './suggest.js'

export interface RunOutcome {
  /** Set when the step must fail; says what to do. */
  failure?: string
  /** Findings and the plan (when one was computed), for reports made outside the runner (the CLI). */
  report: ReportInput
  receipt?: string
  deployment?: DeployResult
  /** Upgrade readiness and its mechanical rewrites, when `upgrade-check` asks (docs/upgrade.md). */
  upgrade?: Upgrade
}

/** validate → plan → apply, as far as the mode goes (docs/modes.md). */
export async function execute(
  settings: Settings,
  target: Target,
  context: RunContext,
  ports: RunPorts,
  reads: RunReads
): Promise<RunOutcome> {
  const { reporter } = ports
  const { work } = target
  const { mode } = work
  const kestra = work.server ? ports.kestra : undefined
  announce(mode, kestra ? `server ${kestra.target.server}` : '', context, ports)
  let applying = false
  try {
    // A drift run plans the default branch only: any other ref is refused before the server is read.
    const branch = work.writes === 'drift' ? await driftBranchOf(context, ports.drift) : undefined
    const checked = await check({ settings, target, context, ports, kestra, kinds: KINDS, reads })
    ports.edge.learn(checked.model.managedNamespaces)
    const weak = ports.edge.weakCredentials()
    if (weak) reporter.warning(weak)
    const reporting = { settings, context, work, kestra, checked, ports, comment: target.comment }
    const { report, upgrade, suggesting } = await reportOf(reporting)
    // The checks annotated their findings in the validation group; the plan may add its own (impact).
    const publish = (findings: Finding[]) => published(findings, checked, settings, ports)
    const { state } = checked.snapshot
    if (!work.plan || !kestra || !state) {
      return await withoutPlan({ ...reporting, report, upgrade, suggesting })
    }
    const run = { settings, target, context, ports, kestra, checked }
    const planning = planMode({ ...run, report, kinds: KINDS, state })
    const { plan, summary, findings, ...planned } = await planning.catch((error: unknown) => {
      publish(checked.findings) // the checks' findings still reach the annotations
      throw error
    })
    const validationFailure = publish(findings)
    await suggesting?.post()
    // The plan's notes and what its drift was measured against, beside the report's.
    const withPlan = { ...report, findings, plan, ...planned }
    if (!work.writes) {
      await reportNoDeploy(reporter, summary, plan.counts)
      return { failure: validationFailure, report: withPlan, upgrade }
    }
    const writing = { ...run, plan, findings, summary, kinds: KINDS }
    if (work.writes === 'drift') {
      const drift = await driftMode({ ...writing, branch: branch! })
      return { failure: drift.failure ?? validationFailure, report: withPlan }
    }
    applying = true
    const applied = await applyMode(writing)
    const failure = applied.failure ?? validationFailure
    return { failure, report: withPlan, receipt: applied.receipt, deployment: applied.result }
  } catch (error) {
    if (work.writes !== 'deploy' || applying || error instanceof DeployError) throw error
    // Failed before the first write (credentials, server down…): say that the server was left as it was.
    reporter.setOutput('deployed', false)
    throw new DeployError(`Nothing was deployed: ${errorMessage(error)}`)
  }
}

type Checking = Omit<TargetRun, 'target'> & { work: Work; checked: Checked }

/** A run that plans nothing: its checks' findings and, with a server's listings, every flow's undefined names. */
async function withoutPlan(
  run: Checking & { report: ReportInput; upgrade: Upgrade | undefined; suggesting?: Suggesting }
): Promise<RunOutcome> {
  const { work, settings, context, ports, checked, upgrade } = run
  const listings = listingsOf(checked)
  const named = listings
    ? reviewNames(
        { names: namesOf(checked), defined: checked.defined, listings, everyFlow: true },
        [],
        ports.reporter
      ).findings
    : []
  const findings = [...checked.findings, ...named].sort(compareFindings)
  const report = { ...run.report, findings }
  await reportNoDeploy(ports.reporter, renderSummary(ports.edge.shown(report)))
  await run.suggesting?.post()
  const pull = await upgradeMode(work, settings, context, ports, upgrade)
  return {
    failure: published(findings, checked, settings, ports) ?? pull,
    report,
    upgrade
  }
}

function announce(mode: Mode, server: string, context: RunContext, ports: RunPorts) {
  ports.reporter.setOutput('mode', mode)
  // A local run has no event: the CLI's words are its command and flags.
  const detail = [context.local ? '' : context.eventName, server].filter(Boolean).join(', ')
  ports.reporter.info(`kestra-gitops: ${mode}${detail ? ` (${detail})` : ''}`)
}

async function reportNoDeploy(reporter: Reporter, summary: string, counts?: PlanCounts) {
  if (counts) setCountOutputs(reporter, counts)
  reporter.setOutput('deployed', false)
  await reporter.writeSummary(summary)
}

/** The findings' annotations (those the checks did not make yet), counts and the step's failure. */
function published(
  findings: Finding[],
  checked: Checked,
  settings: Settings,
  ports: RunPorts
): string | undefined {
  const { reporter } = ports
  reporter.annotate(findings.filter((finding) => !checked.findings.includes(finding)))
  const counts = findingCounts(findings)
  reporter.setOutput('errors', counts.error)
  reporter.setOutput('warnings', counts.warning)
  return failureMessage(findings, settings.failOn)
}

async function reportOf(run: Checking & { kestra: KestraServer | undefined; comment: boolean }) {
  const { settings, context, work, kestra, checked, ports } = run
  const flows = repoFlowsOf(checked.model)
  const servers = { kestra, upgradeServer: ports.upgradeServer }
  const held = checked.snapshot.kinds
  const upgrade = await upgradeReadiness(
    settings,
    work,
    flows,
    servers,
    fileChecksOf(checked),
    (target) =>
      KINDS.flatMap(({ decide }) => {
        const of = held.get(decide.name)
        return of === undefined ? [] : (decide.upgradeNotes?.(of, target) ?? [])
      })
  )
  // Resources link to their pages in the Kestra UI, whose path names the tenant on tenant-scoped servers.
  const kestraUi = kestra && checked.snapshot.state ? await kestra.uiBase() : undefined
  const report: ReportInput = {
    mode: work.mode,
    server: kestra?.target.server,
    tenant: settings.tenant,
    commit: context.sha,
    findings: checked.findings,
    failOn: settings.failOn,
    layout: checked.model.layout,
    notes: [...work.notes, ...checked.notes],
    commentKey: settings.commentKey,
    settings: settings.recorded,
    repositoryUrl: context.local
      ? undefined
      : repositoryUrl(context.serverUrl, context.owner, context.repo),
    kestraUi,
    kinds: DECIDE_KINDS,
    upgrade: upgrade?.report,
    changedFiles:
      onPullRequest(context) && checked.changed.kind === 'list' ? checked.changed.paths : undefined
  }
  // Found before the comment is written (it lists those past the bound), posted once it is.
  const suggesting = await suggestions({ comment: run.comment, context, ports, checked, upgrade })
  if (suggesting) report.suggestions = suggesting.report
  return { report, upgrade, suggesting }
}
