import { randomBytes } from 'node:crypto'
import type { RollbackKind } from '../apply/kind.js'
import type { FlowDependency } from '../apply/order.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import { rollback } from '../apply/rollback.js'
import type { RollbackResult, SmokeRun, SmokeReport } from '../model/after-deploy.js'
import { planFromDeploy } from '../apply/rollback-plan.js'
import { runSmoke } from '../apply/smoke.js'
import type { KestraServer } from '../kestra/api.js'
import { executionUrl } from '../kestra/executions.js'
import { rollbackAccount, rollbackLine, rollbackSection } from '../decide/render/rollback.js'
import { smokeSection } from '../decide/render/smoke.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import type { RunPorts } from './ports.js'
import { phase } from '../report/phase.js'

interface AfterDeploy {
  /** Sections for the deployed report (job summary and the comment's Deployed section). */
  markdown: string[]
  /** The rollback, when one ran. */
  rollback?: RollbackResult
  /** Set when the step must fail for a smoke execution. */
  failure?: string
}

type AfterDeployArgs = {
  settings: Pick<Settings, 'smokeTimeoutSeconds' | 'rollback' | 'server' | 'tenant' | 'concurrency'>
  target: Pick<Target, 'smokeFlows'>
  ports: Pick<RunPorts, 'reporter' | 'edge'>
  kestra: KestraServer
  result: DeployResult
  refs: FlowDependency[]
  /** The registry's rollbacks. */
  kinds: readonly RollbackKind[]
  /** The deployed commit, its repository (`owner/repo`), and the workflow run (GITHUB_RUN_ID). */
  deployed: { commit: string; repository: string; runId: string }
}

/**
 * docs/smoke-and-rollback.md: smoke executions after a deploy that wrote something and had no failed
 * write, then a rollback when one of them failed or a write failed, with `rollback: true`. Sets the
 * `smoke` and `rolled-back` outputs.
 */
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

/**
 * With `rollback: true`, the rollback of a deploy whose smoke run or write failed, when it may have
 * changed anything (a write, a marker, or an outcome unknown).
 */
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
  const undone = await phase(
    reporter,
    'Rollback',
    () =>
      rollback(plan, {
        api: kestra,
        refs: args.refs,
        kinds: args.kinds,
        concurrency: settings.concurrency,
        log: reporter.info
      }),
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
