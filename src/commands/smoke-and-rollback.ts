import { type DeployResult, WRITTEN } from '../model/result.js'
import { DeployError, errorMessage } from '../model/errors.js'
import { DEPLOYED_HEADING } from '../report/render/deployed.js'
import { deployTitle, withHeadline } from '../report/render/headline.js'
import {
  rollbackAccount,
  rollbackLine,
  rollbackSection,
  smokeSection
} from '../report/render/after-deploy.js'
import { readRollbackRecords } from '../engine/snapshot/server/reads.js'
import { executionUrl } from '../adapters/kestra/executions.js'
import { setCountOutputs } from '../report/reporter.js'
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
import type { Deploying } from './deploy-args.js'

/**
 * Smoke runs after a deploy with no failed write, then any rollback (docs/smoke-and-rollback.md): their sections
 * of the deployed report, and the failure.
 */
export async function afterDeploy(args: Deploying, result: DeployResult) {
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
      `Smoke runs skipped: ${wrote ? 'a write of this deploy did not go through' : 'this deploy wrote nothing'}.`
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

/**
 * A rollback a stopped run left, finished before this deploy (then it does not deploy); records that cannot be
 * read, or read as this version writes them, leave the server unknown, so nothing is written.
 */
export async function finishStopped(args: Deploying) {
  const readBefore = args.checked.snapshot.rollbackRecords
  // Where this run deploys: where a rollback that a stopped run left may be recorded.
  const namespaces = [
    ...new Set([...args.checked.model.managedNamespaces, ...args.plan.namespaces])
  ].sort()
  let values: ReadonlyMap<string, unknown>
  try {
    values =
      readBefore && sameNamespaces(readBefore.namespaces, namespaces)
        ? valueOfEnded(readBefore.read)
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
