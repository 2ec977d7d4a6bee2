import { deploy } from '../apply/deploy.js'
import { ancestryChecker } from '../apply/git-ancestry.js'
import { type DeployResult, NOT_APPLIED, outcomeCounts, WRITTEN } from '../model/result.js'
import { renderReceipt } from '../apply/receipt.js'
import { ConfigError, DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../kestra/api.js'
import { limitBeforeRerun } from '../kestra/errors.js'
import type { FileChange, FlowChange, Plan } from '../model/plan.js'
import type { NamespaceFileEntry, RepoModel } from '../model/repository.js'
import type { Checked } from './check.js'
import { confirmReusedChecks, guardUnfinished, type UnfinishedGuard, WALK } from '../kinds/index.js'
import { DEPLOYED_HEADING, upsertDeployedSection } from '../decide/render/deployed.js'
import { fence } from '../model/markdown/fence.js'
import { deployTitle, withHeadline } from '../decide/render/headline.js'
import { repositoryUrl } from '../decide/render/findings.js'
import { commentMarker } from '../model/markdown/comment-markers.js'
import { fileKey, flowKey, resourceKey } from '../model/targets.js'
import type { Kind } from '../kinds/kind.js'
import { contentFactsToStore } from '../model/content-facts.js'
import type { ApplyKind, RollbackKind } from '../apply/kind.js'
import type { Finding } from '../model/finding.js'
import type { FlowReference } from '../model/references.js'
import { afterDeploy, finishRollbacks, stoppedRollbacks } from './after-deploy.js'
import type { FlowDependency } from '../apply/order.js'
import { rollbackAccount } from '../decide/render/rollback.js'
import type { RunPorts, TargetRun } from './ports.js'
import { setCountOutputs } from '../report/outputs.js'
import { writeLog } from '../report/write-log.js'
import { checkReviewedFingerprint, checkReviewedPlan } from '../apply/reviewed-plan.js'
import { readUnfinished } from '../gather/server/unfinished-executions.js'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RunContext } from '../model/context.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import { finalStatus, refusal } from '../decide/environments/deployment-outcome.js'
import { environmentHistory, environmentRows } from '../gather/environment-history.js'
import { environmentsTable } from '../decide/environments/environments-table.js'
import { isVerified, type Verdict, verdictOf } from '../model/verification.js'
import { namespaceUrl } from '../kestra/executions.js'
import type { Target } from '../model/target.js'
import { runUrl } from './plan-mode.js'

export interface ApplyModeArgs extends TargetRun {
  kestra: KestraServer
  checked: Checked
  plan: Plan
  kinds: readonly Kind[]
  findings: Finding[]
  /** The plan's job summary; the receipt is added to it. */
  summary: string
}

interface Applied {
  failure?: string
  result?: DeployResult
  rolledBack?: boolean
  receipt?: string
}

/** Applies the plan (docs/guarantees.md) and reports per-resource results. */
export async function applyMode(args: ApplyModeArgs): Promise<Applied> {
  const { settings, target, context, ports, plan } = args
  const { reporter } = ports
  const refs = flowDependencies(args.checked.references)
  const applyKinds = args.kinds.flatMap((kind) => (kind.apply ? [kind.apply] : []))
  const kinds = args.kinds.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
  let environment: EnvironmentRun | undefined
  let result: DeployResult
  try {
    // What was reviewed is checked before anything is written, the GitHub deployment included.
    await checkReviewed(args)
    environment = await beginEnvironment({
      ...{ target, context, ports, kestra: args.kestra },
      namespaces: args.checked.model.managedNamespaces
    })
    const finished = await finishStopped(args, refs, kinds)
    if (finished) {
      await environment?.fail('a stopped rollback was finished instead; run the deploy again')
      await reportOnPullRequest(args, finished.headline, finished.markdown)
      return { failure: finished.failure }
    }
    result = await deploy(plan, await deployDeps(args, refs, applyKinds))
  } catch (error) {
    await environment?.fail(errorMessage(error))
    if (error instanceof DeployError) await reportNotDeployed(args, error)
    throw error
  }
  for (const warning of result.warnings) reporter.warning(warning)
  const after = await afterDeploy({
    ...{ settings, target, ports, kestra: args.kestra, result, refs, kinds },
    deployed: {
      commit: context.sha,
      repository: `${context.owner}/${context.repo}`,
      runId: context.runId
    }
  })
  const environments = (await environment?.finish(result, after.failure !== undefined)) ?? ''
  const rolledBack = after.rollback !== undefined
  const receipt = [receiptOf(args, result, rolledBack), ...after.markdown].join('\n\n')
  setCountOutputs(reporter, countResults(result, plan))
  reporter.setOutput('deployed', result.applied > 0)
  const headline = deployHeadline(result, after, settings.commentKey)
  await reporter.writeSummary(
    `${withHeadline(args.summary, headline)}\n\n${DEPLOYED_HEADING}\n\n${receipt}\n${environments ? `\n${environments}\n` : ''}`
  )
  await reportOnPullRequest(args, headline, receipt)
  const rolled = { result, rolledBack, receipt }
  if (result.status === 'refused') {
    reporter.warning(
      result.refusal ?? 'Nothing was deployed: this commit is older than the one already deployed.'
    )
    return rolled
  }
  if (result.status === 'failed') {
    const undone = after.rollback ? `\n${rollbackAccount(after.rollback)}` : ''
    return { ...rolled, failure: failureSummary(result, rolledBack) + undone }
  }
  if (!after.rollback) reporter.info(`Deployed: ${result.applied} resource(s) written.`)
  return { ...rolled, failure: after.failure }
}

/** The reviewed plan's fingerprint (`reviewed-plan`) and, on push, the merged pull request's plan. */
async function checkReviewed(args: ApplyModeArgs): Promise<void> {
  const { settings, target, context, ports, plan } = args
  const log = ports.reporter.info
  const reviewed = settings.reviewedPlan
  if (reviewed !== undefined) {
    checkReviewedFingerprint({ plan, context, settings: settings.recorded, reviewed, log })
  }
  if (target.requireReviewedPlan && context.eventName === 'push') {
    await checkReviewedPlan({
      ...{ plan, context, settings: settings.recorded, github: ports.github, log },
      commentKey: settings.commentKey
    })
  }
}

/** A rollback a stopped run left, finished before this deploy (then it does not deploy). */
async function finishStopped(args: ApplyModeArgs, refs: FlowDependency[], kinds: RollbackKind[]) {
  const { reporter } = args.ports
  const early = args.checked.snapshot.rollbackRecords
  const stopped = await stoppedRollbacks(args.kestra, namespacesOf(args), early, kinds, reporter)
  if (stopped.size === 0) return undefined
  return finishRollbacks(stopped, {
    ...{ kestra: args.kestra, refs, kinds, settings: args.settings, reporter },
    commit: args.context.sha,
    summary: args.summary,
    counts: args.plan.counts
  })
}

/** What the deploy writes with, and the reads it makes right before its writes. */
async function deployDeps(args: ApplyModeArgs, refs: FlowDependency[], kinds: ApplyKind[]) {
  const { settings, target, context, ports } = args
  return {
    storedChecks: await args.checked.storedChecks,
    contentFacts:
      args.checked.snapshot.state &&
      contentFactsToStore(args.plan, args.checked.snapshot.state, args.checked.model.files),
    ...{ api: args.kestra, findings: args.findings, refs, kinds, settings, target },
    readDesiredFile: repositoryFileReader(args.checked.model),
    managedNamespaces: args.checked.model.managedNamespaces,
    commit: context.sha,
    markers: args.checked.snapshot.markers,
    repository: `${context.owner}/${context.repo}`,
    isAncestor: ancestryChecker(context.workspace, ports.github),
    log: ports.reporter.info,
    onResult: writeLog(args.plan, ports.reporter),
    beforeWrites: () => guardUnfinished(unfinishedGuard(args)),
    confirmReused: () => confirmReusedChecks(args.checked.reused.flows, args.checked.reused.recheck)
  }
}

/** Refused before any write: the summary and the pull request say why, and that nothing was written. */
async function reportNotDeployed(args: ApplyModeArgs, error: DeployError): Promise<void> {
  const { reporter, edge } = args.ports
  reporter.setOutput('deployed', false)
  const headline = deployTitle('failed', 'nothing written', args.settings.commentKey)
  const why = fence(edge.message(error.message))
  await reporter.writeSummary(
    `${withHeadline(args.summary, headline)}\n\n#### Not deployed\n\n${why}\n`
  )
  await reportOnPullRequest(args, headline, `Not deployed:\n\n${why}`)
}

function receiptOf(args: ApplyModeArgs, result: DeployResult, rolledBack: boolean): string {
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

function deployHeadline(
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

/** Reads a planned file's bytes from the repository (files indexed once: a deploy writes thousands). */
function repositoryFileReader(model: RepoModel): (change: FileChange) => Promise<Uint8Array> {
  const entries = new Map<string, NamespaceFileEntry>()
  for (const entry of model.files) {
    const key = fileKey(entry.namespace, entry.path)
    if (!entries.has(key)) entries.set(key, entry)
  }
  return async (change) => {
    const entry = entries.get(fileKey(change.namespace, change.path))
    if (!entry) throw new DeployError(`No repository file for ${change.namespace}:${change.path}`)
    return WALK.readFileBytes(entry)
  }
}

/** Where this run deploys: where a rollback that a stopped run left may be recorded. */
function namespacesOf(args: ApplyModeArgs): string[] {
  return [...new Set([...args.checked.model.managedNamespaces, ...args.plan.namespaces])].sort()
}

/** What each flow needs on the server before it is written: the flows it calls, the files it reads. */
function flowDependencies(references: FlowReference[]): FlowDependency[] {
  return references.map((ref) => ({
    from: ref.fromFlow,
    to: ref.kind === 'flow' ? flowKey(ref.namespace, ref.id) : fileKey(ref.namespace, ref.path)
  }))
}

function countResults(result: DeployResult, plan: Plan) {
  const count = (outcome: string) => result.resources.filter((r) => r.result === outcome).length
  return {
    create: count('created'),
    update: count('updated'),
    delete: count('deleted'),
    unchanged: result.resources.filter(
      (r) => r.result === 'unchanged' && r.change.action !== 'orphaned'
    ).length,
    orphaned: plan.counts.orphaned,
    drifted: plan.counts.drifted
  }
}

function failureSummary(result: DeployResult, rolledBack: boolean): string {
  const name = (r: DeployResult['resources'][number]) => resourceKey(r.change)
  const notApplied = result.resources.filter((r) => NOT_APPLIED.has(r.result))
  const applied = result.resources.filter((r) => WRITTEN.has(r.result))
  const refused = notApplied.filter((r) => r.bodyRefused).map(name)
  const rerun = refused.length > 0 ? `${limitBeforeRerun(refused)}. Then re-run` : 'Re-run'
  const to = rolledBack
    ? 'deploy again from the server as the rollback left it'
    : 'finish (applied resources are not written again)'
  return [
    `Deploy incomplete: ${notApplied.length} resource(s) not applied, ${applied.length} applied. ${rerun} the workflow to ${to}.`,
    ...notApplied.map((r) => `  ${r.result}: ${name(r)}${r.message ? ` — ${r.message}` : ''}`),
    ...(applied.length > 0 ? ['Applied:', ...applied.map((r) => `  ${r.result}: ${name(r)}`)] : [])
  ].join('\n')
}

/** On push, the merged pull request's comment gets the deploy's headline and Deployed section. */
async function reportOnPullRequest(
  args: ApplyModeArgs,
  headline: string,
  receipt: string
): Promise<void> {
  const { ports, context, settings, target } = args
  if (context.eventName !== 'push' || !ports.github || !target.comment) return
  try {
    const pr = await ports.github.findMergedPullRequest(context.sha)
    if (!pr) return
    // Only the comment this token wrote gains the section: another author's copy of the marker is not ours to edit.
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

/** The guard of this deploy: the flows it updates or deletes, read again through the server's search. */
function unfinishedGuard(args: ApplyModeArgs): UnfinishedGuard {
  const { settings, kestra, ports } = args
  const flows = args.plan.resources.filter(
    (r): r is FlowChange => r.kind === 'flow' && (r.action === 'update' || r.action === 'delete')
  )
  return {
    policy: settings.runningExecutions,
    timeoutSeconds: settings.runningExecutionsTimeoutSeconds,
    flows,
    read: () => readUnfinished(kestra, flows),
    log: ports.reporter.info,
    sleep: (ms) => sleep(ms),
    now: () => ports.now().getTime()
  }
}

interface EnvironmentRun {
  /** Records the deploy's outcome; returns the job summary's environments table ('' when unreadable). */
  finish(result: DeployResult, smokeFailed: boolean): Promise<string>
  fail(message: string): Promise<void>
}

/**
 * Before the first write of a deploy (docs/environments.md): `require-verified-in` refuses a commit that
 * environment has not verified, then `environment` records a GitHub deployment `in_progress`.
 */
async function beginEnvironment(args: {
  target: Pick<Target, 'environment' | 'requireVerifiedIn' | 'transientEnvironment'>
  context: RunContext
  ports: Pick<RunPorts, 'reporter' | 'edge' | 'deployments'>
  kestra: KestraServer
  namespaces: readonly string[]
}): Promise<EnvironmentRun | undefined> {
  const { target, context, ports } = args
  if (!target.environment && !target.requireVerifiedIn) return undefined
  const github = ports.deployments
  if (!github) {
    throw new ConfigError(
      target.environment ? 'environment' : 'require-verified-in',
      'GitHub deployments need the github-token input (the default, github.token, works)'
    )
  }
  if (target.requireVerifiedIn) {
    await checkVerified(github, target.requireVerifiedIn, context.sha, ports.reporter)
  }
  if (!target.environment) return undefined
  const environment = target.environment
  const [first] = [...args.namespaces].sort()
  const environmentUrl = first ? namespaceUrl(await args.kestra.uiBase(), first) : undefined
  const logUrl = runUrl(context)
  const id = await github.create({
    sha: context.sha,
    environment,
    transient: target.transientEnvironment,
    description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
    payload: {
      kestra: {
        server: args.kestra.target.server,
        tenant: args.kestra.target.tenant,
        namespaces: [...args.namespaces].sort()
      }
    }
  })
  await github.addStatus(id, {
    state: 'in_progress',
    description: 'Deploying to Kestra.',
    environmentUrl,
    logUrl
  })
  ports.reporter.info(`GitHub deployment ${id} to ${environment}: in_progress.`)
  return environmentRun({ github, environment, id, environmentUrl, logUrl, context, ports })
}

async function checkVerified(
  github: DeploymentsPort,
  environment: string,
  sha: string,
  reporter: RunPorts['reporter']
): Promise<void> {
  const history = await environmentHistory(github, environment, sha)
  if (!isVerified(history, sha)) throw new DeployError(refusal(environment, sha, history))
  reporter.info(`Commit ${sha.slice(0, 7)} is verified in ${environment}.`)
}

function environmentRun(run: {
  github: DeploymentsPort
  environment: string
  id: number
  environmentUrl: string | undefined
  logUrl: string | undefined
  context: RunContext
  ports: Pick<RunPorts, 'reporter' | 'edge'>
}): EnvironmentRun {
  const { github, environment, id, environmentUrl, logUrl, context, ports } = run
  const status = async (state: ReturnType<typeof finalStatus>) => {
    await github.addStatus(id, {
      ...state,
      description: ports.edge.text(state.description),
      environmentUrl,
      logUrl
    })
    ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`)
  }
  return {
    async finish(result, smokeFailed) {
      const wrote = result.resources.some((r) => WRITTEN.has(r.result))
      try {
        const previous = wrote
          ? undefined
          : await previousVerdict(github, environment, context.sha, id)
        const outcome = finalStatus({ status: result.status, wrote, smokeFailed, previous })
        if (outcome.state !== 'success' && !wrote && previous === 'failure') {
          ports.reporter.warning(
            `GitHub deployment to ${environment} recorded as failure: ${outcome.description}`
          )
        }
        await status(outcome)
      } catch (error) {
        ports.reporter.warning(
          `The GitHub deployment to ${environment} could not be completed: ${errorMessage(error)}`
        )
      }
      try {
        return environmentsTable(
          await environmentRows(github),
          (sha) => `${context.serverUrl}/${context.owner}/${context.repo}/commit/${sha}`
        )
      } catch (error) {
        ports.reporter.warning(`The environments table could not be read: ${errorMessage(error)}`)
        return ''
      }
    },
    async fail(message) {
      try {
        await status({ state: 'failure', description: `Not deployed: ${message}` })
      } catch (error) {
        ports.reporter.warning(
          `The GitHub deployment to ${environment} could not be marked failed: ${errorMessage(error)}`
        )
      }
    }
  }
}

/** The verdict of the commit's newest earlier deployment to the environment that came to one. */
async function previousVerdict(
  github: DeploymentsPort,
  environment: string,
  sha: string,
  current: number
): Promise<Verdict | undefined> {
  for (const deployment of await github.deployments({ environment, sha }, 10)) {
    if (deployment.id === current) continue
    const verdict = verdictOf(await github.statuses(deployment.id))
    if (verdict !== 'pending') return verdict
  }
  return undefined
}
