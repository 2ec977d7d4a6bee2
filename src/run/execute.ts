import { PR_EVENTS, resolveMode, type RunContext } from '../context.js'
import { ConfigError } from '../errors.js'
import type { GitHubPort } from '../github/port.js'
import type { KestraApi } from '../kestra/api.js'
import { detectChangedFiles, type ChangedFiles } from '../repo/changed-files.js'
import { releaseSyntaxTrees } from '../repo/flow-file.js'
import { loadRepository } from '../repo/load.js'
import type { RepoModel } from '../repo/model.js'
import type { ReportInput } from '../render/input.js'
import type { Reporter } from '../report/reporter.js'
import type { Mode, Settings } from '../settings.js'
import { collectReferences, validateRepository } from '../validate/index.js'
import { applyMode } from './apply-mode.js'
import {
  demoteUnchangedErrors,
  failureMessage,
  readProblemFindings,
  sortFindings,
  tally
} from './findings.js'
import { readBaseSnapshot } from './base.js'
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

  // The server's era is probed while the repository loads (a failure resurfaces on first use).
  if (kestra && (mode !== 'validate' || settings.serverValidation)) {
    kestra.info().catch(() => undefined)
  }
  const model = await loadRepository(settings, context.workspace)
  reporter.info(describeRepository(model))
  notes.push(describeRepository(model))

  // Server reads and git run while the local checks keep this thread busy.
  const server = Promise.all([
    kestra && mode !== 'validate' ? readServerState(kestra, model.managedNamespaces) : undefined,
    kestra && settings.serverValidation ? validateOnServer(kestra, model) : []
  ])
  server.catch(() => undefined) // awaited below; not an unhandled rejection meanwhile
  const baseSnapshot =
    kestra && mode !== 'validate' ? readBaseSnapshot(settings, context, model) : undefined
  baseSnapshot?.catch(() => undefined)
  const detecting: Promise<ChangedFiles> =
    PR_EVENTS.includes(context.eventName) || context.eventName === 'push'
      ? detectChangedFiles(context, { workspace: context.workspace, github: ports.github })
      : Promise.resolve({
          kind: 'all',
          reason: `${context.eventName} treats every file as changed`
        })
  detecting.catch(() => undefined)
  await new Promise((resolve) => setImmediate(resolve)) // lets the first requests leave
  const localFindings = [
    ...readProblemFindings(model),
    ...validateRepository(model, { layout: settings.layout }),
    ...unmanagedFindings(model)
  ]
  collectReferences(model.flows.filter((f) => !f.notAFlow)) // memoised: read now, while the server answers
  // The syntax trees are walked: free them (server findings re-parse the few flows they point into).
  for (const flow of model.flows) releaseSyntaxTrees(flow)
  const changed = await detecting
  if (
    changed.kind === 'all' &&
    (PR_EVENTS.includes(context.eventName) || context.eventName === 'push')
  ) {
    // The change could not be listed (shallow clone past GitHub's caps…): say so, it widens what blocks.
    notes.push(`Every file counts as changed: ${changed.reason}.`)
    reporter.info(`Every file counts as changed: ${changed.reason}`)
  } else if (changed.kind === 'all' && settings.scope === 'changed') {
    reporter.info(`Every file counts as changed: ${changed.reason}`)
  }

  const [state, serverFindings] = await server
  let findings = [
    ...localFindings,
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

  const planned = await planMode({
    settings,
    context,
    ports,
    model,
    changed,
    state,
    base: baseSnapshot,
    report: base
  })
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
