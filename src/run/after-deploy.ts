import type { FlowDependency } from '../deploy/order.js'
import { WRITTEN, type DeployResult } from '../deploy/result.js'
import { rollback } from '../deploy/rollback.js'
import { runSmoke, type SmokeReport } from '../deploy/smoke.js'
import type { ExecutionsApi, KestraApi } from '../kestra/api.js'
import { executionUrl } from '../kestra/executions.js'
import { rollbackSection, smokeSection } from '../render/smoke.js'
import type { Settings } from '../settings.js'
import type { RunPorts } from './ports.js'
import { phase } from '../report/phase.js'

export interface AfterDeploy {
  /** Sections for the deployed report (job summary and the comment's Deployed section). */
  markdown: string[]
  rolledBack: boolean
  /** Set when the step must fail for a smoke execution. */
  failure?: string
}

/**
 * SPEC §11: smoke executions after a deploy that wrote something and had no failed write, then a rollback
 * when one of them failed or a write failed, with `rollback: true`. Sets the `smoke` and `rolled-back` outputs.
 */
export async function afterDeploy(args: {
  settings: Pick<
    Settings,
    'smokeFlows' | 'smokeTimeoutSeconds' | 'rollback' | 'server' | 'tenant' | 'concurrency'
  >
  ports: Pick<RunPorts, 'reporter' | 'edge'>
  kestra: KestraApi & ExecutionsApi
  result: DeployResult
  refs: FlowDependency[]
}): Promise<AfterDeploy> {
  const { settings, result, kestra } = args
  const { reporter, edge } = args.ports
  const wrote = result.resources.some((r) => WRITTEN.has(r.result))
  let smoke: SmokeReport | undefined
  if (settings.smokeFlows.length > 0 && wrote && result.status === 'applied') {
    const { tenantScoped } = await kestra.info()
    smoke = await phase(
      reporter,
      'Smoke runs',
      () =>
        runSmoke(settings.smokeFlows, {
          api: kestra,
          timeoutMs: settings.smokeTimeoutSeconds * 1000,
          link: (execution) =>
            executionUrl(
              settings.server ?? '',
              tenantScoped ? settings.tenant : undefined,
              execution
            ),
          now: () => Date.now(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          log: reporter.info
        }),
      (done) => `Smoke runs: ${done.passed ? 'passed' : 'failed'} (${done.runs.length}).`
    )
  } else if (settings.smokeFlows.length > 0) {
    reporter.info(
      `Smoke runs skipped: ${wrote ? 'a write of this deploy did not go through' : 'this deploy wrote no flow or file'}.`
    )
  }
  reporter.setOutput('smoke', smoke ? (smoke.passed ? 'passed' : 'failed') : 'skipped')

  const markdown = smoke ? [smokeSection(edge.shown(smoke))] : []
  const undo =
    settings.rollback &&
    (smoke?.passed === false || result.status === 'failed') &&
    (wrote || result.markedNamespaces.length > 0)
  if (undo) {
    const undone = await phase(
      reporter,
      'Rollback',
      () =>
        rollback(result, {
          api: kestra,
          refs: args.refs,
          concurrency: settings.concurrency,
          log: reporter.info
        }),
      (done) => `Rollback: ${done.complete ? 'complete' : 'incomplete'}.`
    )
    markdown.push(rollbackSection(edge.shown(undone)))
  }
  reporter.setOutput('rolled-back', undo)
  if (!smoke || smoke.passed) return { markdown, rolledBack: undo }
  const failed = smoke.runs
    .filter((run) => run.verdict !== 'passed')
    .map(
      (run) =>
        `${run.flow.namespace}.${run.flow.id} (${run.executionId ?? 'not started'}: ${run.verdict === 'timed-out' ? 'timed out' : (run.state ?? run.message)})`
    )
  return {
    markdown,
    rolledBack: undo,
    failure: `Smoke run(s) failed: ${failed.join(', ')}. ${undo ? 'The deploy was rolled back.' : 'The deploy stays in place (rollback is false).'}`
  }
}
