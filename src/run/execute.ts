import { DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import { repositoryUrl } from '../decide/render/findings.js'
import { onPullRequest, type RunContext } from '../model/context.js'
import type { ReportInput } from '../decide/render/input.js'
import { renderSummary } from '../decide/render/report.js'
import type { Mode, Settings } from '../model/settings.js'
import type { Target, Work } from '../model/target.js'
import { compareFindings, type Finding } from '../model/finding.js'
import type { DeployResult } from '../model/result.js'
import { applyMode, type ApplyModeArgs } from './apply-mode.js'
import {
  driftBranchOf,
  ignoredPaths,
  readCommitPaths,
  readServerFiles,
  type RunReads
} from '../gather/gather.js'
import { check, type Checked } from './check.js'
import { failureMessage, findingCounts } from '../decide/validate/verdict.js'
import { planMode, reviewNames, runUrl } from './plan-mode.js'
import { type Upgrade, upgradeMode, upgradeReadiness } from './upgrade.js'
import { DECIDE_KINDS, KINDS } from '../resources/registry.js'
import type { RunPorts, TargetRun } from './ports.js'
import { type Reporter, setCountOutputs } from '../report/reporter.js'
import type { PlanCounts } from '../model/plan.js'
import { driftedResources, remainingDrift } from '../decide/drift/drifted.js'
import type { DriftedResource } from '../model/drift.js'
import {
  DRIFT_LABEL,
  driftBranch,
  driftCommitTrailer,
  driftGoneComment,
  driftIssueBody,
  driftMarker,
  driftPullBody,
  driftPullTitle,
  type DriftReportInput,
  driftSummarySection,
  driftTitle,
  driftTree,
  withoutIgnored
} from '../decide/drift/reports.js'
import { readBackOf } from '../gather/repo/read-back.js'
import { type Suggesting, suggestions } from './suggest.js'
import type { DriftGitHub } from '../model/drift-port.js'

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
  const { listings } = checked.snapshot
  const named = listings
    ? reviewNames(
        { names: checked.names, defined: checked.defined, listings, everyFlow: true },
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
  const flows = checked.model.flows
  const servers = { kestra, upgradeServer: ports.upgradeServer }
  const upgrade = await upgradeReadiness(settings, work, flows, servers, checked.flowChecks)
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

/** Room for the drift section in the job summary (GitHub takes 1 MiB per step; the plan comes first). */
const SUMMARY_DRIFT_BUDGET = 300_000
/** Names listed in the drift warning; the issue and the summary list them all. */
const WARNING_NAMES = 10

type DriftModeArgs = ApplyModeArgs & { branch: string }

/** docs/drift.md: the default branch's plan against the server is the drift, kept in its issue. */
async function driftMode(args: DriftModeArgs): Promise<{ failure?: string }> {
  const { settings, ports, plan } = args
  const { reporter } = ports
  const items = driftedResources(
    plan,
    args.checked.snapshot.state ?? new Map(),
    args.kinds.map((kind) => kind.decide)
  )
  setCountOutputs(reporter, plan.counts)
  reporter.setOutput('has-changes', items.length > 0)
  reporter.setOutput('deployed', false)
  if (items.length > 0) reporter.warning(driftWarning(items, args.branch))
  else reporter.info(`No drift: Kestra matches ${args.branch} at ${args.context.sha.slice(0, 7)}.`)

  if (settings.driftAction === 'revert' && items.length > 0) {
    if (!settings.dryRun) return revert(args, items)
    reporter.info('dry-run: the drift is reported, not reverted (nothing is written to Kestra).')
  }

  let pulled: PullRequestOutcome = {}
  let pullFailure: string | undefined
  if (settings.driftAction === 'pull-request') {
    // The issue still tells the drift when GitHub fails the pull request; a re-run finishes it.
    pulled = await pullRequest(args, items).catch((error: unknown) => {
      pullFailure = `The drift pull request could not be written: ${errorMessage(error)}. Re-run the workflow to finish it.`
      return {}
    })
  }
  // Each resource the pull request leaves out is named in the issue, with why.
  const reported = items.map((item) => {
    const reason = pulled.notBroughtBack?.get(item.name)
    return reason === undefined ? item : { ...item, note: `not brought back: ${reason}` }
  })
  const report = reportInput(args, reported, { pullRequestUrl: pulled.url })
  await reporter.writeSummary(
    `${args.summary}\n\n${driftSummarySection(report, SUMMARY_DRIFT_BUDGET)}\n`
  )
  await keepIssue(args, report, false)
  return { failure: pullFailure ?? driftFailure(args, items) }
}

async function revert(
  args: DriftModeArgs,
  items: DriftedResource[]
): Promise<{ failure?: string }> {
  const action = `drift-action: revert — Git (${args.branch} at ${args.context.sha.slice(0, 7)}) is deployed over the drift, under every deploy guard.`
  const before = reportInput(args, items, { action })
  const summary = `${args.summary}\n\n${driftSummarySection(before, SUMMARY_DRIFT_BUDGET)}`
  let applied
  try {
    applied = await applyMode({ ...args, summary })
  } catch (error) {
    // Refused before any write (validation, max-deletions…): the issue still tells the drift, and why.
    const remaining = remainingDrift(items, { refused: errorMessage(error) })
    await keepIssue(args, reportInput(args, remaining, { action }), false)
    throw error
  }
  const remaining = remainingDrift(items, {
    resources: applied.result?.resources,
    rolledBack: applied.rolledBack,
    ...(applied.result?.status === 'refused' && {
      refused: applied.result.refusal ?? 'a newer commit is deployed'
    })
  })
  await keepIssue(args, reportInput(args, remaining, { action }), remaining.length === 0)
  return { failure: applied.failure ?? driftFailure(args, remaining) }
}

/** The drift issue: kept current while drift remains, closed with a comment once it is gone. */
async function keepIssue(args: DriftModeArgs, report: DriftReportInput, reverted: boolean) {
  const { ports, settings } = args
  const github = ports.drift
  if (!github) {
    ports.reporter.warning(
      'No github-token: the drift issue was not written (the job summary has the drift).'
    )
    return
  }
  const marker = driftMarker(settings.commentKey)
  const outcome =
    report.items.length > 0
      ? await github.keepIssue({
          marker,
          label: DRIFT_LABEL,
          title: driftTitle(report),
          body: driftIssueBody(report)
        })
      : await github.closeIssue(marker, DRIFT_LABEL, goneComment(args, reverted))
  if (!outcome) return
  if (outcome.status === 'forbidden') {
    ports.reporter.warning(`The drift issue could not be written: ${outcome.message}`)
    return
  }
  ports.edge.learn([outcome.url])
  ports.reporter.info(`Drift issue ${outcome.status}: ${outcome.url}`)
}

interface PullRequestOutcome {
  url?: string
  /** Why each drifted resource left out of the branch was left out, by name. */
  notBroughtBack?: ReadonlyMap<string, string>
}

/** The drift pull request (docs/drift.md#the-drift-pull-request): its tree placed, branch and pull written. */
async function pullRequest(
  args: DriftModeArgs,
  items: DriftedResource[]
): Promise<PullRequestOutcome> {
  const github = args.ports.drift
  if (!github) return {}
  if (items.length === 0) {
    const branch = driftBranch(args.settings.commentKey)
    const closed = await github.closePullRequest(
      branch,
      goneComment(args, false),
      driftCommitTrailer(args.settings.commentKey)
    )
    if (closed?.status === 'forbidden') args.ports.reporter.warning(closed.message)
    else if (closed?.status === 'foreign') {
      args.ports.reporter.warning(
        `The drift is gone, but the branch ${branch} of pull request ${closed.url} holds commits that the action did not write: the pull request is left open. Merge or close it.`
      )
    } else if (closed) args.ports.reporter.info(`Drift pull request closed: ${closed.url}`)
    return {}
  }
  const tree = await pullRequestTree(args, items)
  for (const missing of tree.notBroughtBack) {
    args.ports.reporter.info(`Not brought back: ${missing.name} — ${missing.reason}`)
  }
  const notBroughtBack = new Map(tree.notBroughtBack.map((n) => [n.name, n.reason]))
  const url = await writePullRequest(args, github, items, tree)
  return { ...(url !== undefined && { url }), notBroughtBack }
}

/** What the pull request writes: read (server bytes, commit paths), placed, less what ignore files hide. */
async function pullRequestTree(args: DriftModeArgs, items: DriftedResource[]) {
  const { ports, settings, context, checked } = args
  const [serverFiles, committed] = await Promise.all([
    readServerFiles(args.kestra, items, checked.snapshot.state ?? new Map()),
    readCommitPaths(context.workspace, context.sha)
  ])
  const { model } = checked
  const placed = driftTree({
    items,
    serverFiles,
    holdsCredential: (bytes) => ports.edge.holdsCredential(bytes),
    kinds: args.kinds.map((kind) => kind.decide),
    shape: {
      layout: model.layout.layout,
      rootRel: model.rootRel,
      namespace: settings.namespace,
      mappings: [
        ...settings.namespaceFiles,
        ...(model.layout.fileFolders ?? []).map((folder) => ({ ...folder, prefix: '' }))
      ],
      flowFiles: model.flows.flatMap((f) =>
        !f.notAFlow && f.namespace ? [{ file: f.file, namespace: f.namespace }] : []
      ),
      paths: new Set([
        ...committed,
        ...model.flows.map((f) => f.file),
        ...model.files.map((f) => f.file)
      ]),
      readBack: readBackOf(settings, model.layout.layout, model.rootRel, model.layout.fileFolders)
    }
  })
  const written = placed.writes.flatMap((write) => (write.content ? [write.path] : []))
  const ignored = await ignoredPaths(context.workspace, context.sha, settings.root, written)
  return withoutIgnored(placed, ignored)
}

async function writePullRequest(
  args: DriftModeArgs,
  github: DriftGitHub,
  items: DriftedResource[],
  tree: ReturnType<typeof withoutIgnored>
): Promise<string | undefined> {
  const { ports, settings, context } = args
  const branch = driftBranch(settings.commentKey)
  const written = await github.writeBranch({
    name: branch,
    base: context.sha,
    message: `Bring back the edits made in Kestra (${tree.writes.length} file(s))`,
    trailer: driftCommitTrailer(settings.commentKey),
    writes: tree.writes
  })
  if (written.status === 'forbidden' || written.status === 'foreign') {
    ports.reporter.warning(
      written.status === 'forbidden'
        ? written.message
        : `The drift branch ${branch} has commits that the action did not write: it is left as it is. Merge or close its pull request, or delete the branch, and the next run writes it again.`
    )
    return undefined
  }
  if (written.status === 'empty') {
    ports.reporter.info(
      'Nothing of the drift can be brought back to the repository: no pull request.'
    )
    return undefined
  }
  ports.reporter.info(`Drift branch ${branch}: ${written.status} (${written.sha.slice(0, 7)}).`)
  const pull = await github.keepPullRequest({
    head: branch,
    base: args.branch,
    title: driftPullTitle({ commentKey: settings.commentKey }),
    body: driftPullBody({
      ...reportInput(args, items, {}),
      writes: tree.writes,
      notBroughtBack: ports.edge.shown(tree.notBroughtBack)
    })
  })
  if (pull.status === 'forbidden') {
    ports.reporter.warning(pull.message)
    return undefined
  }
  ports.edge.learn([pull.url])
  ports.reporter.info(`Drift pull request ${pull.status}: ${pull.url}`)
  return pull.url
}

function reportInput(
  args: DriftModeArgs,
  items: (DriftedResource & { note?: string })[],
  extra: { action?: string; pullRequestUrl?: string }
): DriftReportInput {
  const { settings, context, ports } = args
  return {
    commentKey: settings.commentKey,
    ...args.kestra.target,
    branch: args.branch,
    commit: context.sha,
    items: ports.edge.shown(
      items.map(({ change, ...item }) => ({
        ...item,
        resourceKind: change.kind,
        ...(change.file !== undefined && { file: change.file })
      }))
    ),
    ...extra,
    runUrl: runUrl(context),
    checkedAt: ports.now().toISOString()
  }
}

function goneComment(args: DriftModeArgs, reverted: boolean): string {
  const { branch, context } = args
  return driftGoneComment({ branch, commit: context.sha, reverted, runUrl: runUrl(context) })
}

function driftWarning(items: DriftedResource[], branch: string): string {
  const names = items.slice(0, WARNING_NAMES).map((item) => item.name)
  const more = items.length > WARNING_NAMES ? `, and ${items.length - WARNING_NAMES} more` : ''
  return `Kestra drift: ${items.length} resource(s) differ from ${branch} (changed outside Git): ${names.join(', ')}${more}.`
}

/** docs/drift.md#outputs: drift fails the step only with `fail-on: warning`. */
function driftFailure(args: DriftModeArgs, items: readonly DriftedResource[]): string | undefined {
  if (args.settings.failOn !== 'warning' || items.length === 0) return undefined
  return `Kestra drift: ${items.length} resource(s) differ from ${args.branch}, and fail-on is warning. Bring the edits back to Git or deploy Git over them (drift-action).`
}
