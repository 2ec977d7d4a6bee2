import { PR_EVENTS, resolveMode, type RunContext } from '../context.js'
import { ConfigError } from '../errors.js'
import type { GitHubPort } from '../github/port.js'
import type { KestraApi } from '../kestra/api.js'
import { detectChangedFiles, type ChangedFiles } from '../repo/changed-files.js'
import { loadRepository } from '../repo/load.js'
import type { RepoModel } from '../repo/model.js'
import type { ReportInput } from '../render/input.js'
import type { Reporter } from '../report/reporter.js'
import type { Mode, Settings } from '../settings.js'
import { validateRepository } from '../validate/index.js'
import { applyMode } from './apply-mode.js'
import {
  demoteUnchangedErrors,
  failureMessage,
  readProblemFindings,
  sortFindings,
  tally
} from './findings.js'
import { planMode } from './plan-mode.js'
import { checkReferences } from './references.js'
import { readServerState } from './server-state.js'
import { validateOnServer } from './server-validation.js'
import { renderSummary } from '../render/summary.js'
import { setCountOutputs } from './outputs.js'
import { unmanagedFindings } from './unmanaged.js'

export interface RunPorts {
  reporter: Reporter
  /** Present when the `server` input is set. */
  kestra?: KestraApi
  /** Present when a GitHub token is available. */
  github?: GitHubPort
  now(): Date
}

export interface RunOutcome {
  mode: Mode
  /** Set when the step must fail; says what to do. */
  failure?: string
  /** Findings and the plan (when one was computed), for reports made outside the runner (the CLI). */
  report: ReportInput
}

/** validate → plan → apply, as far as the mode goes (SPEC §3). */
export async function execute(
  settings: Settings,
  context: RunContext,
  ports: RunPorts
): Promise<RunOutcome> {
  const { reporter } = ports
  const notes: string[] = []
  let mode = resolveMode(settings, context.eventName)
  let kestra = ports.kestra
  if (context.pullRequest?.fork && settings.auth.kind === 'none' && kestra) {
    notes.push(
      'This pull request comes from a fork: GitHub passes no secrets to it, so only the local validation ran (no server checks, no plan).'
    )
    kestra = undefined
    mode = 'validate'
  }
  if (mode !== 'validate' && !kestra) {
    if (!context.pullRequest?.fork) {
      throw new ConfigError(
        'server',
        `mode '${mode}' needs the Kestra server URL; set server, or use mode: validate`
      )
    }
    mode = 'validate'
  }
  reporter.setOutput('mode', mode)
  reporter.info(
    `kestra-gitops: ${mode} (${context.eventName}${kestra ? `, server ${settings.server}` : ''})`
  )

  const model = await loadRepository(settings, context.workspace)
  reporter.info(describeRepository(model))
  notes.push(describeRepository(model))
  const changed: ChangedFiles =
    PR_EVENTS.includes(context.eventName) || context.eventName === 'push'
      ? await detectChangedFiles(context, { workspace: context.workspace, github: ports.github })
      : { kind: 'all', reason: `${context.eventName} treats every file as changed` }
  if (changed.kind === 'all' && settings.scope === 'changed')
    reporter.info(`Every file counts as changed: ${changed.reason}`)

  const [state, serverFindings] = await Promise.all([
    kestra && mode !== 'validate' ? readServerState(kestra, model.managedNamespaces) : undefined,
    kestra && settings.serverValidation ? validateOnServer(kestra, model) : []
  ])
  let findings = [
    ...readProblemFindings(model),
    ...validateRepository(model, { layout: settings.layout }),
    ...unmanagedFindings(model),
    ...serverFindings,
    ...(await checkReferences(model, kestra ? { api: kestra, state } : undefined))
  ]
  if (PR_EVENTS.includes(context.eventName)) findings = demoteUnchangedErrors(findings, changed)
  findings = sortFindings(findings)
  reporter.annotate(findings)
  const counts = tally(findings)
  reporter.setOutput('errors', counts.errors)
  reporter.setOutput('warnings', counts.warnings)
  const validationFailure = failureMessage(findings, settings.failOn)

  const base: ReportInput = {
    mode,
    server: kestra ? settings.server : undefined,
    tenant: settings.tenant,
    commit: context.sha,
    findings,
    failOn: settings.failOn,
    notes
  }
  if (mode === 'validate' || !kestra || !state) {
    reporter.setOutput('deployed', false)
    await reporter.writeSummary(renderSummary(base))
    return { mode, failure: validationFailure, report: base }
  }

  const planned = await planMode({ settings, context, ports, model, changed, state, report: base })
  if (mode === 'plan') {
    setCountOutputs(reporter, planned.plan.counts)
    reporter.setOutput('deployed', false)
    await reporter.writeSummary(planned.summary)
    return { mode, failure: validationFailure, report: { ...base, plan: planned.plan } }
  }
  const applied = await applyMode({
    settings,
    context,
    ports,
    kestra,
    model,
    plan: planned.plan,
    findings,
    summary: planned.summary
  })
  return {
    mode,
    failure: applied.failure ?? validationFailure,
    report: { ...base, plan: planned.plan }
  }
}

function describeRepository(model: RepoModel): string {
  const flows = model.flows.filter((f) => !f.notAFlow).length
  const namespaces = model.managedNamespaces
  return `Checked ${flows} flow(s) and ${model.files.length} namespace file(s) in ${namespaces.length} namespace(s)${namespaces.length > 0 ? `: ${namespaces.join(', ')}` : ''}.`
}
