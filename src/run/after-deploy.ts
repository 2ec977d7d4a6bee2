import { randomBytes } from 'node:crypto'
import type { RollbackKind } from '../apply/kind.js'
import type { FlowDependency } from '../apply/order.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import type { RolledBack, RollbackResult, SmokeRun, SmokeReport } from '../model/after-deploy.js'
import { planFromDeploy, plansFromRecords, rollback, type RollbackPlan } from '../apply/rollback.js'
import { runSmoke } from '../apply/smoke.js'
import type { KestraServer } from '../kestra/api.js'
import { executionUrl } from '../kestra/executions.js'
import { rollbackAccount, rollbackLine, rollbackSection } from '../decide/render/rollback.js'
import { smokeSection } from '../decide/render/smoke.js'
import type { Settings } from '../model/settings.js'
import { DEPLOYED_HEADING } from '../decide/render/deployed.js'
import { short } from '../model/commit-marker.js'
import { recordsOf, type RollbackRecord } from '../apply/rollback-record.js'
import { readRollbackRecords } from '../gather/server/rollback-records.js'
import type { EarlyRecords } from '../model/snapshot.js'
import { valueOfEnded } from '../model/outcome.js'
import { deployTitle, withHeadline } from '../decide/render/headline.js'
import { setCountOutputs } from '../report/outputs.js'
import { DeployError, errorMessage } from '../model/errors.js'
import type { PlanCounts } from '../model/plan.js'
import type { Reporter } from '../report/reporter.js'
import { sameNamespaces } from '../model/namespaces.js'
import type { Target } from '../model/target.js'
import type { RunPorts } from './ports.js'
import { phase } from '../report/phase.js'

interface AfterDeploy {
  /** Sections for the deployed report (job summary and the comment's Deployed section). */
  markdown: string[]
  rollback?: RollbackResult
  /** Set when the step must fail for a smoke execution. */
  failure?: string
}

type AfterDeployArgs = {
  settings: Pick<Settings, 'smokeTimeoutSeconds' | 'rollback' | 'concurrency'>
  target: Pick<Target, 'smokeFlows'>
  ports: Pick<RunPorts, 'reporter' | 'edge'>
  kestra: KestraServer
  result: DeployResult
  refs: FlowDependency[]
  kinds: readonly RollbackKind[]
  /** The deployed commit, its repository (`owner/repo`), and the workflow run (GITHUB_RUN_ID). */
  deployed: { commit: string; repository: string; runId: string }
}

/** Smoke executions after a deploy that wrote without a failed write, then the rollback a failure calls for (docs/smoke-and-rollback.md). */
export async function afterDeploy(args: AfterDeployArgs): Promise<AfterDeploy> {
  const { result, ports } = args
  const wrote = result.resources.some((r) => WRITTEN.has(r.result))
  const smoke = await smokeRuns(args, wrote)
  ports.reporter.setOutput('smoke', smoke ? (smoke.passed ? 'passed' : 'failed') : 'skipped')
  const markdown = smoke ? [smokeSection(ports.edge.shown(smoke))] : []
  const undone = await rollbackIfFailed(args, smoke, wrote)
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
async function smokeRuns(args: AfterDeployArgs, wrote: boolean): Promise<SmokeReport | undefined> {
  const { settings, target, result, kestra, deployed } = args
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
        runId: `${deployed.runId || 'local'}-${randomBytes(4).toString('hex')}`,
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
  args: AfterDeployArgs,
  smoke: SmokeReport | undefined,
  wrote: boolean
): Promise<RollbackResult | undefined> {
  const { settings, result, kestra, deployed } = args
  const { reporter } = args.ports
  const failed = smoke?.passed === false || result.status === 'failed'
  const touched =
    wrote ||
    result.markedNamespaces.length > 0 ||
    (result.markersUnknown ?? []).length > 0 ||
    result.resources.some((r) => r.outcomeUnknown)
  if (!settings.rollback || !failed || !touched) return undefined
  const plan = planFromDeploy(result, deployed, args.kinds)
  const { refs, kinds } = args
  return rollbackPhase('Rollback', plan, { kestra, refs, kinds, settings, reporter })
}

/** One rollback (docs/rollback.md) as a phase of the log, its warnings said. */
async function rollbackPhase(
  title: string,
  plan: RollbackPlan,
  run: Pick<FinishDeps, 'kestra' | 'refs' | 'kinds' | 'reporter'> & {
    settings: Pick<Settings, 'concurrency'>
  },
  recorded?: boolean
): Promise<RollbackResult> {
  const { kestra: api, refs, kinds, settings, reporter } = run
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

/** The rollbacks stopped runs left recorded here; unreadable records leave the server's state unknown, so nothing is written. */
export async function stoppedRollbacks(
  kestra: KestraServer,
  namespaces: string[],
  early: EarlyRecords | undefined,
  kinds: readonly RollbackKind[],
  reporter: Reporter
): Promise<Map<string, RollbackRecord>> {
  try {
    const values =
      early && sameNamespaces(early.namespaces, namespaces)
        ? valueOfEnded(early.read)
        : await readRollbackRecords(kestra, namespaces)
    const reading = recordsOf(values, kinds)
    for (const warning of reading.warnings) reporter.warning(warning)
    return reading.records
  } catch (error) {
    throw new DeployError(
      `Nothing was deployed: ${errorMessage(error)}. Re-run once the server answers.`
    )
  }
}

interface FinishedRollbacks {
  headline: string
  markdown: string
  /** The step fails: this run deployed nothing of its own. */
  failure: string
}

type FinishDeps = {
  kestra: KestraServer
  refs: FlowDependency[]
  kinds: readonly RollbackKind[]
  settings: Pick<Settings, 'concurrency' | 'commentKey'>
  reporter: Reporter
  commit: string
  /** The plan's job summary, and its counts. */
  summary: string
  counts: PlanCounts
}

/**
 * Finishes the rollbacks a stopped run left recorded (docs/rollback.md#finishing-a-stopped-rollback); the run
 * deploys nothing of its own, its plan having read a half rolled-back server. Undefined when nothing needed a
 * write (only a record could not be removed): the deploy goes on.
 */
export async function finishRollbacks(
  records: ReadonlyMap<string, RollbackRecord>,
  deps: FinishDeps
): Promise<FinishedRollbacks | undefined> {
  const results = await resumeEach(records, deps)
  if (results.every((r) => r.stale)) {
    deps.reporter.info(
      'The server already held every version those records name: records removed, deploying.'
    )
    return undefined
  }
  return reportFinished(results, deps)
}

async function resumeEach(
  records: ReadonlyMap<string, RollbackRecord>,
  deps: FinishDeps
): Promise<RollbackResult[]> {
  const { reporter } = deps
  const results: RollbackResult[] = []
  for (const plan of plansFromRecords(records, deps.kinds)) {
    const namespaces = plan.markers.map((m) => m.namespace).join(', ')
    reporter.warning(
      `A rollback of the deploy of commit ${short(plan.deployed)} is recorded as unfinished in namespace(s) ${namespaces}: finishing it before anything else.`
    )
    const title = `Rollback of ${short(plan.deployed)} left unfinished`
    results.push(await rollbackPhase(title, plan, deps, true))
  }
  return results
}

/** The finished rollbacks as outputs, summary and failure: nothing of this run's commit was deployed. */
async function reportFinished(
  results: RollbackResult[],
  deps: FinishDeps
): Promise<FinishedRollbacks> {
  const { reporter, settings } = deps
  const rolledBack = combined(results.map((r) => r.rolledBack))
  const deployed = [...new Set(results.map((r) => short(r.deployed)))].join(', ')
  const nothing = `Nothing was deployed by this run: re-run the workflow to deploy commit ${short(deps.commit)}.`
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
  const { orphaned, drifted } = deps.counts
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
