import { deploy } from '../engine/apply/deploy.js'
import { checkReviewedFingerprint, checkReviewedPlan } from '../engine/apply/reviewed-plan.js'
import type { PlanRecord } from '../model/plan-record.js'
import { ancestryChecker } from '../adapters/git/ancestry.js'
import type { DeployResult } from '../model/result.js'
import { DeployError, errorMessage } from '../model/errors.js'
import type { FileChange, FlowChange } from '../model/plan.js'
import type { NamespaceFileEntry, RepoModel } from '../model/repository.js'
import {
  guardUnfinished,
  type UnfinishedGuard,
  WALK,
  repoFilesOf,
  readUnfinished
} from '../resources/registry.js'
import { confirmReused, keptByKinds, referencesOf } from './check.js'
import { DEPLOYED_HEADING } from '../report/render/deployed.js'
import { withHeadline } from '../report/render/headline.js'
import { fileKey, flowKey } from '../model/targets.js'
import type { FlowReference } from '../model/references.js'
import type { WriteDependency } from '../engine/apply/order.js'
import { rollbackAccount } from '../report/render/after-deploy.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { setCountOutputs } from '../report/reporter.js'
import type { ApplyModeArgs, Deploying } from './deploy-args.js'
import { beginEnvironment } from './deploy-environment.js'
import {
  countResults,
  deployHeadline,
  failureSummary,
  receiptOf,
  reportNotDeployed,
  reportOnPullRequest,
  writeLog
} from './deploy-report.js'
import { afterDeploy, finishStopped } from './smoke-and-rollback.js'

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
    refs: flowDependencies(referencesOf(given.checked)),
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

/** What the deploy writes with, and the reads it makes right before its writes. */
async function deployDeps(args: Deploying) {
  const { settings, target, context, ports } = args
  return {
    kept: await keptByKinds(args.checked, {
      plan: args.plan,
      model: args.checked.model,
      state: args.checked.snapshot.state
    }),
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
    confirmReused: () => confirmReused(args.checked)
  }
}

/** Reads a planned file's bytes from the repository (files indexed once: a deploy writes thousands). */
function repositoryFileReader(model: RepoModel): (change: FileChange) => Promise<Uint8Array> {
  const entries = new Map<string, NamespaceFileEntry>()
  for (const entry of repoFilesOf(model)) {
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
