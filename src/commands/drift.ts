import { errorMessage } from '../model/errors.js'
import { applyMode } from './deploy.js'
import type { ApplyModeArgs } from './deploy-args.js'
import { ignoredPaths, readCommitPaths } from '../engine/snapshot/drift-reads.js'
import type { KestraApi } from '../adapters/kestra/api.js'
import { readByLayout, type Kind } from '../resources/resource.js'
import { runUrl } from './plan.js'
import { setCountOutputs } from '../report/reporter.js'
import { driftedResources, remainingDrift } from '../engine/drift/drifted.js'
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
} from '../engine/drift/reports.js'
import { readBackOf } from '../layout/read-back.js'
import type { DriftGitHub } from '../model/drift-port.js'
import { repoFlowsOf, repoFilesOf } from '../resources/registry.js'

/** Room for the drift section in the job summary (GitHub takes 1 MiB per step; the plan comes first). */
const SUMMARY_DRIFT_BUDGET = 300_000
/** Names listed in the drift warning; the issue and the summary list them all. */
const WARNING_NAMES = 10

type DriftModeArgs = ApplyModeArgs & { branch: string }

/** docs/drift.md: the default branch's plan against the server is the drift, kept in its issue. */
export async function driftMode(args: DriftModeArgs): Promise<{ failure?: string }> {
  const { settings, ports, plan } = args
  const { reporter } = ports
  const items = driftedResources(
    plan,
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
  const [serverCopies, committed] = await Promise.all([
    readServerCopies(args.kestra, items, args.kinds),
    readCommitPaths(context.workspace, context.sha)
  ])
  const { model } = checked
  const placed = driftTree({
    items,
    serverCopies,
    readByLayout: readByLayout(args.kinds),
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
      flowFiles: repoFlowsOf(model).flatMap((f) =>
        !f.notAFlow && f.namespace ? [{ file: f.file, namespace: f.namespace }] : []
      ),
      paths: new Set([
        ...committed,
        ...repoFlowsOf(model).map((f) => f.file),
        ...repoFilesOf(model).map((f) => f.file)
      ]),
      readBack: readBackOf(settings, model.layout.layout, model.rootRel, model.layout.fileFolders)
    }
  })
  const written = placed.writes.flatMap((write) => (write.content ? [write.path] : []))
  const ignored = await ignoredPaths(context.workspace, context.sha, settings.root, written)
  return withoutIgnored(placed, ignored)
}

/**
 * The server's copy of each drifted resource that the plan did not keep, read by its kind
 * (`GatherKind.serverCopy`), by resource name.
 */
async function readServerCopies(
  kestra: KestraApi,
  items: readonly DriftedResource[],
  kinds: readonly Pick<Kind, 'gather' | 'decide'>[]
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>()
  for (const item of items) {
    const { change } = item
    if (item.kind === 'deleted-in-kestra') continue
    const kind = kinds.find(({ decide }) => decide.name === change.kind)
    if (!kind?.gather?.serverCopy || kind.decide.serverContent?.(change) !== undefined) continue
    const bytes = await kind.gather.serverCopy(kestra, change)
    if (bytes) found.set(item.name, bytes)
  }
  return found
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
