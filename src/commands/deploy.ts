import { checkReviewedFingerprint, checkReviewedPlan, deploy } from '../engine/apply/deploy.js'
import type { PlanRecord } from '../model/plan-record.js'
import { ancestryChecker } from '../adapters/git/ancestry.js'
import {
  type DeployResult,
  NOT_APPLIED,
  outcomeCounts,
  type ResourceResult,
  WRITTEN
} from '../model/result.js'
import { renderReceipt } from '../engine/apply/receipt.js'
import { ConfigError, DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import { limitBeforeRerun } from '../adapters/kestra/errors.js'
import {
  type FileChange,
  type FlowChange,
  isWrite,
  type Plan,
  resourceName
} from '../model/plan.js'
import type { NamespaceFileEntry, RepoModel } from '../model/repository.js'
import type { Checked } from './check.js'
import {
  confirmReusedChecks,
  guardUnfinished,
  type UnfinishedGuard,
  WALK
} from '../resources/registry.js'
import { DEPLOYED_HEADING, upsertDeployedSection } from '../report/render/deployed.js'
import { fence } from '../model/markdown/fence.js'
import { deployTitle, withHeadline } from '../report/render/headline.js'
import { repositoryUrl } from '../report/render/findings.js'
import { commentMarker } from '../model/markdown/comment-markers.js'
import { fileKey, flowKey, resourceKey } from '../model/targets.js'
import type { Kind } from '../resources/resource.js'
import { contentFactsToStore } from '../model/content-facts.js'
import type { RollbackKind } from '../engine/apply/kind.js'
import type { Finding } from '../model/finding.js'
import type { FlowReference } from '../model/references.js'
import type { WriteDependency } from '../engine/apply/order.js'
import {
  rollbackAccount,
  rollbackLine,
  rollbackSection,
  smokeSection
} from '../report/render/after-deploy.js'
import type { TargetRun } from './ports.js'
import { readRollbackRecords, readUnfinished } from '../engine/snapshot/server/reads.js'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DeploymentsPort } from '../model/deployments-port.js'
import {
  environmentsTable,
  finalStatus,
  refusal
} from '../engine/environments/deployment-outcome.js'
import { environmentHistory, environmentRows } from '../engine/snapshot/gather.js'
import { isVerified, type Verdict, verdictOf } from '../model/verification.js'
import { executionUrl, namespaceUrl } from '../adapters/kestra/executions.js'
import { runUrl } from './plan.js'
import { type Reporter, setCountOutputs } from '../report/reporter.js'
import { randomBytes } from 'node:crypto'
import type { RollbackResult, RolledBack, SmokeReport, SmokeRun } from '../model/after-deploy.js'
import { rollback } from '../engine/apply/rollback.js'
import { planFromDeploy, plansFromRecords, readRecords } from '../engine/apply/rollback-record.js'
import type { RollbackPlan, RollbackRecord } from '../engine/apply/rollback-record.js'
import { runSmoke } from '../engine/apply/smoke.js'
import { short } from '../model/commit-marker.js'
import { valueOfEnded } from '../model/outcome.js'
import { sameNamespaces } from '../model/namespaces.js'
import { phase } from '../report/phase.js'

export interface ApplyModeArgs extends TargetRun {
  kestra: KestraServer
  checked: Checked
  plan: Plan
  kinds: readonly Kind[]
  findings: Finding[]
  /** The plan's job summary; the receipt is added to it. */
  summary: string
}

/** A deploy's arguments, with what its steps share: the flows' dependencies, the kinds that roll back. */
type Deploying = ApplyModeArgs & { refs: WriteDependency[]; rollbackKinds: RollbackKind[] }

interface Applied {
  failure?: string
  result?: DeployResult
  rolledBack?: boolean
  receipt?: string
}

/** Applies the plan (docs/guarantees.md) and reports per-resource results. */
export async function applyMode(given: ApplyModeArgs): Promise<Applied> {
  const args: Deploying = {
    ...given,
    refs: flowDependencies(given.checked.references),
    rollbackKinds: given.kinds.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
  }
  const { settings, ports, plan } = args
  const { reporter } = ports
  let environment: Awaited<ReturnType<typeof beginEnvironment>>
  let result: DeployResult
  try {
    // What was reviewed is checked before anything is written, the GitHub deployment included.
    await checkReviewed(args)
    environment = await beginEnvironment(args)
    const finished = await finishStopped(args)
    if (finished) {
      await environment?.fail('a stopped rollback was finished instead; run the deploy again')
      await reportOnPullRequest(args, finished.headline, finished.markdown)
      return { failure: finished.failure }
    }
    result = await deploy(plan, await deployDeps(args))
  } catch (error) {
    await environment?.fail(errorMessage(error))
    if (error instanceof DeployError) await reportNotDeployed(args, error)
    throw error
  }
  for (const warning of result.warnings) reporter.warning(warning)
  const after = await afterDeploy(args, result)
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
    return {
      ...rolled,
      failure: failureSummary(result, rolledBack, args.context.local === true) + undone
    }
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
    checkReviewedFingerprint({
      plan,
      context,
      settings: settings.recorded,
      reviewed,
      // Read only: the settings hold it frozen.
      shown: settings.shownPlan as PlanRecord | undefined,
      log
    })
  }
  if (target.requireReviewedPlan && context.eventName === 'push') {
    await checkReviewedPlan({
      plan,
      context,
      settings: settings.recorded,
      github: ports.github,
      log,
      commentKey: settings.commentKey
    })
  }
}

/**
 * A rollback a stopped run left, finished before this deploy (then it does not deploy); records that cannot be
 * read, or read as this version writes them, leave the server unknown, so nothing is written.
 */
async function finishStopped(args: Deploying) {
  const early = args.checked.snapshot.rollbackRecords
  // Where this run deploys: where a rollback that a stopped run left may be recorded.
  const namespaces = [
    ...new Set([...args.checked.model.managedNamespaces, ...args.plan.namespaces])
  ].sort()
  let values: ReadonlyMap<string, unknown>
  try {
    values =
      early && sameNamespaces(early.namespaces, namespaces)
        ? valueOfEnded(early.read)
        : await readRollbackRecords(args.kestra, namespaces)
  } catch (error) {
    throw new DeployError(
      `Nothing was deployed: ${errorMessage(error)}. Re-run once the server answers.`
    )
  }
  const reading = readRecords(values, args.rollbackKinds)
  if (reading.unreadable) throw new DeployError(reading.unreadable)
  const stopped = reading.records
  if (stopped.size === 0) return undefined
  return finishRollbacks(stopped, args)
}

/** What the deploy writes with, and the reads it makes right before its writes. */
async function deployDeps(args: Deploying) {
  const { settings, target, context, ports } = args
  return {
    storedChecks: await args.checked.storedChecks,
    contentFacts:
      args.checked.snapshot.state &&
      contentFactsToStore(args.plan, args.checked.snapshot.state, args.checked.model.files),
    api: args.kestra,
    findings: args.findings,
    refs: args.refs,
    settings,
    target,
    kinds: args.kinds.flatMap((kind) => (kind.apply ? [kind.apply] : [])),
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

/** What each flow needs on the server before it is written: the flows it calls, the files it reads. */
function flowDependencies(references: FlowReference[]): WriteDependency[] {
  return references.map((ref) => ({
    from: ref.fromFlow,
    to: ref.kind === 'flow' ? flowKey(ref.namespace, ref.id) : fileKey(ref.namespace, ref.path)
  }))
}

/** The deploy's counts as outputs: an orphaned resource is never written, only kept. */
function countResults(result: DeployResult, plan: Plan) {
  const count = (outcome: string) =>
    result.resources.filter((r) => r.result === outcome && r.change.action !== 'orphaned').length
  const { orphaned, drifted } = plan.counts
  const [create, update, remove] = [count('created'), count('updated'), count('deleted')]
  return { create, update, delete: remove, unchanged: count('unchanged'), orphaned, drifted }
}

function failureSummary(result: DeployResult, rolledBack: boolean, local: boolean): string {
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

/**
 * Before the first write of a deploy (docs/environments.md): `require-verified-in` refuses a commit that
 * environment has not verified, then `environment` records a GitHub deployment `in_progress`.
 */
async function beginEnvironment(args: ApplyModeArgs) {
  const { target, context, ports } = args
  if (!target.environment && !target.requireVerifiedIn) return undefined
  const github = ports.deployments
  if (!github) {
    throw new ConfigError(
      target.environment ? 'environment' : 'require-verified-in',
      'GitHub deployments need the github-token input (the default, github.token, works)'
    )
  }
  const verifiedIn = target.requireVerifiedIn
  if (verifiedIn) {
    const history = await environmentHistory(github, verifiedIn, context.sha)
    if (!isVerified(history, context.sha)) {
      throw new DeployError(refusal(verifiedIn, context.sha, history))
    }
    ports.reporter.info(`Commit ${context.sha.slice(0, 7)} is verified in ${verifiedIn}.`)
  }
  const { environment } = target
  if (!environment) return undefined
  const namespaces = [...args.checked.model.managedNamespaces].sort()
  const [first] = namespaces
  const environmentUrl = first ? namespaceUrl(await args.kestra.uiBase(), first) : undefined
  const id = await github.create({
    sha: context.sha,
    environment,
    transient: target.transientEnvironment,
    description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
    payload: {
      kestra: { server: args.kestra.target.server, tenant: args.kestra.target.tenant, namespaces }
    }
  })
  const run = environmentRun({ github, environment, id, environmentUrl, context, ports })
  await run.status({ state: 'in_progress', description: 'Deploying to Kestra.' })
  return run
}

function environmentRun(
  run: Pick<ApplyModeArgs, 'context' | 'ports'> & {
    github: DeploymentsPort
    environment: string
    id: number
    environmentUrl: string | undefined
  }
) {
  const { github, environment, id, environmentUrl, context, ports } = run
  const status = async (state: ReturnType<typeof finalStatus>) => {
    await github.addStatus(id, {
      ...state,
      description: ports.edge.text(state.description),
      environmentUrl,
      logUrl: runUrl(context)
    })
    ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`)
  }
  return {
    status,
    /** Records the deploy's outcome; returns the job summary's environments table ('' when unreadable). */
    async finish(result: DeployResult, smokeFailed: boolean): Promise<string> {
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
    async fail(message: string): Promise<void> {
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

/**
 * The deploy's log (docs/modes.md#the-log): a namespace's writes grouped once all have results, then its tally.
 */
function writeLog(plan: Plan, reporter: Reporter): (result: ResourceResult) => void {
  const writes = plan.resources.filter(isWrite)
  const pending = new Map<string, number>()
  for (const { namespace } of writes) pending.set(namespace, (pending.get(namespace) ?? 0) + 1)
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

/**
 * Smoke runs after a deploy with no failed write, then any rollback (docs/smoke-and-rollback.md): their sections
 * of the deployed report, and the failure.
 */
async function afterDeploy(args: Deploying, result: DeployResult) {
  const { ports } = args
  const wrote = result.resources.some((r) => WRITTEN.has(r.result))
  const smoke = await smokeRuns(args, result, wrote)
  ports.reporter.setOutput('smoke', smoke ? (smoke.passed ? 'passed' : 'failed') : 'skipped')
  const markdown = smoke ? [smokeSection(ports.edge.shown(smoke))] : []
  const undone = await rollbackIfFailed(args, result, smoke, wrote)
  if (undone) markdown.push(rollbackSection(ports.edge.shown(undone)))
  ports.reporter.setOutput('rolled-back', undone?.rolledBack ?? 'false')
  if (!smoke || smoke.passed) return { markdown, rollback: undone }
  const failed = smoke.runs.filter((run) => run.verdict !== 'passed').map(failedRun)
  return {
    markdown,
    rollback: undone,
    failure: `Smoke run(s) failed: ${failed.join(', ')}.\n${undone ? rollbackAccount(undone) : 'The deploy stays in place (rollback is false).'}`
  }
}

/** The smoke runs, when the deploy wrote something and every write went through. */
async function smokeRuns(args: Deploying, result: DeployResult, wrote: boolean) {
  const { settings, target, kestra, context } = args
  const { reporter } = args.ports
  if (target.smokeFlows.length === 0) return undefined
  if (!wrote || result.status !== 'applied') {
    reporter.info(
      `Smoke runs skipped: ${wrote ? 'a write of this deploy did not go through' : 'this deploy wrote no flow or file'}.`
    )
    return undefined
  }
  const uiBase = await kestra.uiBase()
  return phase(
    reporter,
    'Smoke runs',
    () =>
      runSmoke(target.smokeFlows, {
        api: kestra,
        timeoutMs: settings.smokeTimeoutSeconds * 1000,
        // Unique to this run of the action: two steps of one job never share a label.
        runId: `${context.runId || 'local'}-${randomBytes(4).toString('hex')}`,
        link: (execution) => executionUrl(uiBase, execution),
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: reporter.info
      }),
    (done) =>
      `Smoke runs: ${done.passed ? 'passed' : 'failed'} (${done.runs.length}) in ${(done.elapsedMs / 1000).toFixed(1)} s.`
  )
}

/** With `rollback: true`, after a failed smoke run or write, when the deploy may have changed anything. */
async function rollbackIfFailed(
  args: Deploying,
  result: DeployResult,
  smoke: SmokeReport | undefined,
  wrote: boolean
): Promise<RollbackResult | undefined> {
  const { settings, context } = args
  const failed = smoke?.passed === false || result.status === 'failed'
  const touched =
    wrote ||
    result.markedNamespaces.length > 0 ||
    (result.markersUnknown ?? []).length > 0 ||
    result.resources.some((r) => r.outcomeUnknown)
  if (!settings.rollback || !failed || !touched) return undefined
  const deployed = {
    commit: context.sha,
    repository: `${context.owner}/${context.repo}`,
    runId: context.runId
  }
  return rollbackPhase('Rollback', planFromDeploy(result, deployed, args.rollbackKinds), args)
}

/** One rollback (docs/rollback.md) as a phase of the log, its warnings said. */
async function rollbackPhase(
  title: string,
  plan: RollbackPlan,
  run: Deploying,
  recorded?: boolean
): Promise<RollbackResult> {
  const { kestra: api, refs, rollbackKinds: kinds, settings, ports } = run
  const { reporter } = ports
  const { concurrency } = settings
  const undone = await phase(
    reporter,
    title,
    () => rollback(plan, { api, refs, kinds, concurrency, log: reporter.info, recorded }),
    rollbackLine
  )
  for (const warning of undone.warnings) reporter.warning(warning)
  return undone
}

function failedRun(run: SmokeRun): string {
  const id =
    run.executionId ?? (run.verdict === 'timed-out' ? 'start not confirmed' : 'not started')
  const state = run.verdict === 'timed-out' ? 'timed out' : (run.state ?? run.message)
  return `${run.flow.namespace}.${run.flow.id} (${id}: ${state})`
}

/**
 * Finishes the rollbacks a stopped run left recorded (docs/rollback.md#finishing-a-stopped-rollback); the run
 * deploys nothing of its own, its plan having read a half rolled-back server. Undefined when nothing needed a
 * write (only a record could not be removed): the deploy goes on.
 */
async function finishRollbacks(records: ReadonlyMap<string, RollbackRecord>, deps: Deploying) {
  const { reporter } = deps.ports
  const results: RollbackResult[] = []
  for (const plan of plansFromRecords(records, deps.rollbackKinds)) {
    const namespaces = plan.markers.map((m) => m.namespace).join(', ')
    reporter.warning(
      `A rollback of the deploy of commit ${short(plan.deployed)} is recorded as unfinished in namespace(s) ${namespaces}: finishing it before anything else.`
    )
    const title = `Rollback of ${short(plan.deployed)} left unfinished`
    results.push(await rollbackPhase(title, plan, deps, true))
  }
  if (results.every((r) => r.stale)) {
    reporter.info(
      'The server already held every version those records name: records removed, deploying.'
    )
    return undefined
  }
  return reportFinished(results, deps)
}

/** The finished rollbacks as outputs, summary and failure: nothing of this run's commit was deployed. */
async function reportFinished(results: RollbackResult[], deps: Deploying) {
  const { settings } = deps
  const { reporter } = deps.ports
  const rolledBack = combined(results.map((r) => r.rolledBack))
  const deployed = [...new Set(results.map((r) => short(r.deployed)))].join(', ')
  const nothing = `Nothing was deployed by this run: re-run the workflow to deploy commit ${short(deps.context.sha)}.`
  const headline = deployTitle(
    rolledBack === 'true' ? 'rolled-back' : 'rollback-incomplete',
    `finishing the interrupted rollback of ${deployed}, nothing deployed`,
    settings.commentKey
  )
  const markdown = [
    ...results.map(
      (r) =>
        `An earlier run stopped while rolling back the deploy of commit \`${short(r.deployed)}\`; this run went on with it:\n\n${rollbackSection(r)}`
    ),
    nothing
  ].join('\n\n')
  reporter.setOutput('deployed', false)
  reporter.setOutput('smoke', 'skipped')
  reporter.setOutput('rolled-back', rolledBack)
  const { orphaned, drifted } = deps.plan.counts
  setCountOutputs(reporter, { create: 0, update: 0, delete: 0, unchanged: 0, orphaned, drifted })
  await reporter.writeSummary(
    `${withHeadline(deps.summary, headline)}\n\n${DEPLOYED_HEADING}\n\n${markdown}\n`
  )
  return {
    headline,
    markdown,
    failure: [
      `An earlier run stopped while rolling back the deploy of commit ${deployed}; this run went on with that rollback before writing anything else.`,
      ...results.map(rollbackAccount),
      nothing
    ].join('\n')
  }
}

function combined(outcomes: RolledBack[]): RolledBack {
  if (outcomes.every((o) => o === 'true')) return 'true'
  return outcomes.every((o) => o === 'false') ? 'false' : 'partial'
}
