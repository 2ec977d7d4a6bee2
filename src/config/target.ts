import { deepFreeze } from './settings.js'
import { ConfigError } from '../model/errors.js'
import type { RunContext } from '../model/context.js'
import type { Mode, Settings } from '../model/settings.js'
import type { Target, Work } from '../model/target.js'

/** The target the settings describe for this event (docs/modes.md#events); `server`: a Kestra client is there. */
export function plainTarget(
  settings: Settings,
  context: Pick<RunContext, 'eventName' | 'pullRequest'>,
  server: boolean
): Target {
  return deepFreeze({
    work: runWork(settings, context, server),
    namespacePrefix: settings.namespacePrefix,
    disableTriggers: settings.disableTriggers,
    readOnly: settings.readOnly,
    alsoManaged: [],
    delete: settings.delete,
    allowMassDeletion: settings.allowMassDeletion,
    // Out of order only on a manual run: a push or a schedule never deploys an older commit.
    allowOutOfOrder: settings.allowOutOfOrder && context.eventName === 'workflow_dispatch',
    scope: settings.scope,
    comment: settings.comment,
    requireReviewedPlan: settings.requireReviewedPlan,
    requireVerifiedIn: settings.requireVerifiedIn,
    environment: settings.environment,
    transientEnvironment: false,
    smokeFlows: inPrefix(settings.smokeFlows, settings.namespacePrefix)
  })
}

/**
 * A pull request's preview (docs/environments.md#previews): under `prefix`, triggers off, every resource planned,
 * deletions allowed in its own namespaces (`own`, named without the prefix), a transient environment.
 */
export function previewTarget(settings: Settings, prefix: string, own: readonly string[]): Target {
  return deepFreeze({
    work: workOf('deploy', settings, { server: true, transient: true }),
    namespacePrefix: prefix,
    disableTriggers: true,
    readOnly: settings.readOnly,
    alsoManaged: [...new Set(own)].sort(),
    delete: true,
    // Deletions stay inside the preview's namespaces: a smaller change may remove many of them.
    allowMassDeletion: true,
    allowOutOfOrder: false,
    scope: 'all',
    comment: false,
    requireReviewedPlan: false,
    requireVerifiedIn: '',
    environment: prefix,
    transientEnvironment: true,
    smokeFlows: inPrefix(settings.smokeFlows, prefix)
  })
}

/** With a namespace prefix, smoke flows named by their repository namespace run where it is deployed. */
function inPrefix(flows: Settings['smokeFlows'], prefix: string): Settings['smokeFlows'] {
  if (!prefix) return flows
  return flows.map((flow) => ({ ...flow, namespace: `${prefix}.${flow.namespace}` }))
}

/** What `auto` means per event (docs/modes.md#events); `dry-run` turns deploy into plan. */
export function resolveMode(settings: Pick<Settings, 'mode' | 'dryRun'>, eventName: string): Mode {
  // A pull request's events, a schedule and any other event plan; a push and a manual run deploy.
  const deploys = eventName === 'push' || eventName === 'workflow_dispatch'
  const mode = settings.mode !== 'auto' ? settings.mode : deploys ? 'deploy' : 'plan'
  return mode === 'deploy' && settings.dryRun ? 'plan' : mode
}

/**
 * This event's mode's work (docs/modes.md#events): a fork's pull request without credentials: local checks only.
 */
function runWork(
  settings: Settings,
  context: Pick<RunContext, 'eventName' | 'pullRequest'>,
  server: boolean
): Work {
  const mode = resolveMode(settings, context.eventName)
  const fork = context.pullRequest?.fork === true
  if (fork && (settings.auth.kind === 'none' || !server)) {
    const notes = server
      ? [
          'This pull request comes from a fork: GitHub passes no secrets to it, so only the local validation ran (no server checks, no plan).'
        ]
      : []
    return workOf('validate', settings, { server: false, notes })
  }
  if (fork && mode === 'deploy') {
    throw new ConfigError(
      'mode',
      "this pull request's head repository is not provably this repository (a fork, or a head repository GitHub no longer names), and a fork's code is never deployed to your Kestra. Plan pull requests (mode: auto or plan) and deploy from the push of the merged commit"
    )
  }
  // An upgrade reads the repository only, nothing of Kestra (docs/upgrade.md#mode-upgrade).
  if (mode === 'upgrade') return workOf(mode, settings, { server: false })
  if (mode !== 'validate' && !server) {
    throw new ConfigError(
      'server',
      `mode '${mode}' needs the Kestra server URL; set server, or use mode: validate`
    )
  }
  return workOf(mode, settings, { server })
}

/** Which reads, checks and writes a mode does (docs/modes.md, docs/performance.md#incremental-planning). */
function workOf(
  mode: Mode,
  settings: Pick<Settings, 'serverValidation' | 'fullPlan' | 'driftAction' | 'dryRun'>,
  at: { server: boolean; transient?: boolean; notes?: string[] }
): Work {
  const { server } = at
  const plan = server && mode !== 'validate'
  // A drift revert deploys (docs/drift.md#revert): it reads and stores what a deploy does.
  const deploys =
    mode === 'deploy' || (mode === 'drift' && settings.driftAction === 'revert' && !settings.dryRun)
  const reuseChecks = plan && (mode === 'plan' || mode === 'deploy') && !settings.fullPlan
  const reuseBase = reuseChecks && mode === 'plan'
  return {
    mode,
    server,
    serverValidation: server && settings.serverValidation,
    plan,
    markers: deploys,
    reuseChecks,
    reuseBase,
    // A deploy records its files' content facts, but a preview's: no plan is made against a preview.
    facts: deploys && !at.transient ? 'record' : reuseBase ? 'use' : undefined,
    writes:
      mode === 'deploy' ? 'deploy' : mode === 'drift' || mode === 'upgrade' ? mode : undefined,
    notes: at.notes ?? []
  }
}
