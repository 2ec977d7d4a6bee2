import { type RunContext } from '../model/context.js'
import { ConfigError, DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../kestra/api.js'
import { repositoryUrl } from '../decide/render/findings.js'
import type { ReportInput } from '../decide/render/input.js'
import { renderSummary } from '../decide/render/summary.js'
import type { Mode, Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import type { Finding } from '../model/finding.js'
import type { DeployResult } from '../model/result.js'
import { applyMode } from './apply-mode.js'
import { driftBranchOf } from '../gather/read-drift.js'
import { driftMode } from './drift-mode.js'
import { check } from './check.js'
import type { RunReads } from '../gather/gather.js'
import { failureMessage, tally } from '../decide/validate/verdict.js'
import { setCountOutputs } from '../report/outputs.js'
import { planMode } from './plan-mode.js'
import { KINDS } from '../kinds/index.js'
import { kestraUiBase } from '../kestra/namespace-url.js'
import type { RunPorts } from './ports.js'

export interface RunOutcome {
  mode: Mode
  /** Set when the step must fail; says what to do. */
  failure?: string
  /** Findings and the plan (when one was computed), for reports made outside the runner (the CLI). */
  report: ReportInput
  /** After a deploy: its report as the job summary shows it. */
  receipt?: string
  /** After a deploy: what it wrote, resource by resource. */
  deployment?: DeployResult
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
  const { mode, kestra, notes } = chooseMode(settings, target, context, ports.kestra)
  reporter.setOutput('mode', mode)
  // A local run has no event: the CLI's words are its command and flags.
  const about = [context.local ? '' : context.eventName, kestra ? `server ${settings.server}` : '']
  const detail = about.filter(Boolean).join(', ')
  reporter.info(`kestra-gitops: ${mode}${detail ? ` (${detail})` : ''}`)
  let applying = false
  try {
    // A drift run plans the default branch only: any other ref is refused before the server is read.
    const branch = mode === 'drift' ? await driftBranchOf(context, ports.drift) : undefined
    const checked = await check(settings, target, context, ports, mode, kestra, KINDS, reads)
    ports.edge.learn(checked.model.managedNamespaces)
    const weak = ports.edge.weakCredentials()
    if (weak) reporter.warning(weak)
    // The checks annotated their findings in the validation group; the plan may add its own (impact).
    const publish = (findings: Finding[]) => {
      reporter.annotate(findings.filter((finding) => !checked.findings.includes(finding)))
      const counts = tally(findings)
      reporter.setOutput('errors', counts.errors)
      reporter.setOutput('warnings', counts.warnings)
      return failureMessage(findings, settings.failOn)
    }
    // Resources link to their pages in the Kestra UI, whose path names the tenant on tenant-scoped servers.
    const tenantScoped = kestra && checked.state ? (await kestra.info()).tenantScoped : undefined
    const report: ReportInput = {
      mode,
      server: kestra ? settings.server : undefined,
      tenant: settings.tenant,
      commit: context.sha,
      findings: checked.findings,
      failOn: settings.failOn,
      layout: checked.model.layout,
      notes: [...notes, ...checked.notes],
      commentKey: settings.commentKey,
      settings: settings.recorded,
      repositoryUrl: context.local
        ? undefined
        : repositoryUrl(context.serverUrl, context.owner, context.repo),
      kestraUi:
        tenantScoped === undefined
          ? undefined
          : kestraUiBase(settings.server ?? '', tenantScoped ? settings.tenant : undefined)
    }
    if (mode === 'validate' || !kestra || !checked.state) {
      const validationFailure = publish(checked.findings)
      reporter.setOutput('deployed', false)
      await reporter.writeSummary(renderSummary(ports.edge.shown(report)))
      return { mode, failure: validationFailure, report }
    }

    const { plan, summary, findings } = await planMode({
      settings,
      target,
      context,
      ports,
      model: checked.model,
      references: checked.references,
      changed: checked.changed,
      state: checked.state,
      base: checked.base,
      report,
      snapshot: checked.snapshot,
      kinds: KINDS,
      mode,
      review: { kestra, names: checked.names, listings: checked.listings }
    }).catch((error: unknown) => {
      publish(checked.findings) // the checks' findings still reach the annotations
      throw error
    })
    const validationFailure = publish(findings)
    if (mode === 'plan') {
      setCountOutputs(reporter, plan.counts)
      reporter.setOutput('deployed', false)
      await reporter.writeSummary(summary)
      return { mode, failure: validationFailure, report: { ...report, findings, plan } }
    }
    if (mode === 'drift') {
      const drift = await driftMode({
        settings,
        target,
        context,
        ports,
        kestra,
        checked,
        plan,
        findings,
        summary,
        branch: branch!,
        kinds: KINDS
      })
      return {
        mode,
        failure: drift.failure ?? validationFailure,
        report: { ...report, findings, plan }
      }
    }
    applying = true
    const applied = await applyMode({
      settings,
      target,
      context,
      ports,
      kestra,
      model: checked.model,
      references: checked.references,
      plan,
      markers: checked.markers,
      storedChecks: checked.storedChecks,
      findings,
      summary,
      kinds: KINDS
    })
    return {
      mode,
      failure: applied.failure ?? validationFailure,
      report: { ...report, findings, plan },
      receipt: applied.receipt,
      deployment: applied.result
    }
  } catch (error) {
    if (mode !== 'deploy' || applying || error instanceof DeployError) throw error
    // Failed before the first write (credentials, server down…): say that the server was left as it was.
    reporter.setOutput('deployed', false)
    throw new DeployError(`Nothing was deployed: ${errorMessage(error)}`)
  }
}

/**
 * The mode for this event (docs/modes.md#events); a fork PR without credentials gets the local checks
 * only.
 */
function chooseMode(
  settings: Settings,
  target: Target,
  context: RunContext,
  kestra: KestraServer | undefined
): { mode: Mode; kestra?: KestraServer; notes: string[] } {
  const { mode } = target
  const fork = context.pullRequest?.fork === true
  if (fork && (settings.auth.kind === 'none' || !kestra)) {
    const notes = kestra
      ? [
          'This pull request comes from a fork: GitHub passes no secrets to it, so only the local validation ran (no server checks, no plan).'
        ]
      : []
    return { mode: 'validate', notes }
  }
  if (fork && mode === 'deploy') {
    throw new ConfigError(
      'mode',
      "this pull request's head repository is not provably this repository (a fork, or a head repository GitHub no longer names), and a fork's code is never deployed to your Kestra. Plan pull requests (mode: auto or plan) and deploy from the push of the merged commit"
    )
  }
  if (mode !== 'validate' && !kestra) {
    throw new ConfigError(
      'server',
      `mode '${mode}' needs the Kestra server URL; set server, or use mode: validate`
    )
  }
  return { mode, kestra, notes: [] }
}
