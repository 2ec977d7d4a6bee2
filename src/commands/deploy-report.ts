import {
  type DeployResult,
  NOT_APPLIED,
  outcomeCounts,
  type ResourceResult,
  WRITTEN
} from '../model/result.js'
import { renderReceipt } from '../engine/apply/receipt.js'
import { DeployError, errorMessage } from '../model/errors.js'
import { limitBeforeRerun } from '../adapters/kestra/errors.js'
import { isWrite, type Plan, type ResourceChange, resourceName } from '../model/plan.js'
import { upsertDeployedSection } from '../report/render/deployed.js'
import { fence } from '../model/markdown/fence.js'
import { deployTitle, withHeadline } from '../report/render/headline.js'
import { repositoryUrl } from '../report/render/findings.js'
import { commentMarker } from '../model/markdown/comment-markers.js'
import { resourceKey } from '../model/targets.js'
import type { Reporter } from '../report/reporter.js'
import type { ApplyModeArgs } from './deploy-args.js'
import type { afterDeploy } from './smoke-and-rollback.js'

/** Refused before any write: the summary and the pull request say why, and that nothing was written. */
export async function reportNotDeployed(args: ApplyModeArgs, error: DeployError): Promise<void> {
  const { reporter, edge } = args.ports
  reporter.setOutput('deployed', false)
  const headline = deployTitle('failed', 'nothing written', args.settings.commentKey)
  const why = fence(edge.message(error.message))
  await reporter.writeSummary(
    `${withHeadline(args.summary, headline)}\n\n#### Not deployed\n\n${why}\n`
  )
  await reportOnPullRequest(args, headline, `Not deployed:\n\n${why}`)
}

export function receiptOf(args: ApplyModeArgs, result: DeployResult, rolledBack: boolean): string {
  const { context, ports } = args
  return renderReceipt(ports.edge.shown(result), {
    rolledBack,
    commit: context.sha,
    time: ports.now().toISOString(),
    ...args.kestra.target,
    repositoryUrl: context.local
      ? undefined
      : repositoryUrl(context.serverUrl, context.owner, context.repo)
  }).trimEnd()
}

export function deployHeadline(
  result: DeployResult,
  after: Awaited<ReturnType<typeof afterDeploy>>,
  commentKey: string
): string {
  const rolledBack = after.rollback?.rolledBack
  const status =
    rolledBack === 'true'
      ? 'rolled-back'
      : rolledBack
        ? 'rollback-incomplete'
        : after.failure
          ? 'failed'
          : result.status
  const counts =
    result.status === 'refused'
      ? 'nothing written: a newer commit is deployed'
      : [...(after.failure ? ['a smoke run failed'] : []), ...outcomeCounts(result.resources)].join(
          ', '
        )
  return deployTitle(status, counts, commentKey)
}

/** The deploy's counts as outputs: an orphaned resource is never written, only kept. */
export function countResults(result: DeployResult, plan: Plan) {
  const count = (outcome: string) =>
    result.resources.filter((r) => r.result === outcome && r.change.action !== 'orphaned').length
  const { orphaned, drifted } = plan.counts
  const [create, update, remove] = [count('created'), count('updated'), count('deleted')]
  return { create, update, delete: remove, unchanged: count('unchanged'), orphaned, drifted }
}

export function failureSummary(result: DeployResult, rolledBack: boolean, local: boolean): string {
  const name = (r: DeployResult['resources'][number]) => resourceKey(r.change)
  const notApplied = result.resources.filter((r) => NOT_APPLIED.has(r.result))
  const applied = result.resources.filter((r) => WRITTEN.has(r.result))
  const refused = notApplied.filter((r) => r.bodyRefused).map(name)
  // The CLI has no workflow: its run is the deploy command.
  const again = local ? 'run the deploy again (kestra-gitops deploy)' : 're-run the workflow'
  const rerun =
    refused.length > 0 ? `${limitBeforeRerun(refused)}. Then ${again}` : upperFirst(again)
  const to = rolledBack
    ? 'deploy again from the server as the rollback left it'
    : 'finish (applied resources are not written again)'
  return [
    `Deploy incomplete: ${notApplied.length} resource(s) not applied, ${applied.length} applied. ${rerun} to ${to}.`,
    ...notApplied.map((r) => `  ${r.result}: ${name(r)}${r.message ? ` — ${r.message}` : ''}`),
    ...(applied.length > 0 ? ['Applied:', ...applied.map((r) => `  ${r.result}: ${name(r)}`)] : [])
  ].join('\n')
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** On push, the merged pull request's comment gets the deploy's headline and Deployed section. */
export async function reportOnPullRequest(
  args: ApplyModeArgs,
  headline: string,
  receipt: string
): Promise<void> {
  const { ports, context, settings, target } = args
  if (context.eventName !== 'push' || !ports.github || !target.comment) return
  try {
    const pr = await ports.github.findMergedPullRequest(context.sha)
    if (!pr) return
    // Only the comment this token wrote gains the section: another author's copy of the marker is not ours to
    // edit.
    const marker = commentMarker(settings.commentKey)
    const [comment] = (await ports.github.commentsByThisToken(pr, marker)).comments
    if (!comment) return
    const body = upsertDeployedSection(comment.body, receipt, headline)
    const outcome = await ports.github.updateComment(comment.id, body)
    if (outcome.status === 'forbidden')
      ports.reporter.warning(`The pull-request comment could not be updated: ${outcome.message}`)
    else ports.reporter.setOutput('comment-url', outcome.url)
  } catch (error) {
    // What was written stays written: a GitHub failure here must not turn the deploy red.
    ports.reporter.warning(
      `The Deployed section could not be added to the pull-request comment: ${errorMessage(error)}`
    )
  }
}

/**
 * The deploy's log (docs/modes.md#the-log): a namespace's writes grouped once all have results, then its tally.
 */
export function writeLog(plan: Plan, reporter: Reporter): (result: ResourceResult) => void {
  const writes = plan.resources.filter(isWrite)
  const pending = new Map<string, number>()
  for (const { namespace } of writes) pending.set(namespace, (pending.get(namespace) ?? 0) + 1)
  const key = (change: ResourceChange) => `${change.kind}\0${resourceName(change)}`
  const order = new Map(writes.map((change, index) => [key(change), index]))
  const results = new Map<string, ResourceResult[]>()
  let done = 0
  return (result) => {
    const { namespace } = result.change
    const own = results.get(namespace) ?? []
    own.push(result)
    results.set(namespace, own)
    done++
    reporter.progress(done < writes.length ? `Writing to Kestra: ${done} of ${writes.length}` : '')
    if (own.length < (pending.get(namespace) ?? 0)) return
    reporter.group(`Writes to ${namespace}`)
    // In the plan's order, whichever write ended first: the log reads the same on every run.
    own.sort((a, b) => (order.get(key(a.change)) ?? 0) - (order.get(key(b.change)) ?? 0))
    for (const r of own) reporter.info(describe(r))
    reporter.endGroup(`${namespace}: ${outcomeCounts(own).join(', ')}`)
    results.delete(namespace)
  }
}

function describe({ change, result, revision, message }: ResourceResult): string {
  const rev = revision === undefined ? '' : ` (revision ${revision})`
  const why = message === undefined ? '' : `: ${message}`
  return `${change.kind} ${resourceName(change)}: ${result}${rev}${why}`
}
