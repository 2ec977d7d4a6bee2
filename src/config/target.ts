import { deepFreeze } from './settings.js'
import type { RunContext } from '../model/context.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import { resolveMode } from './context.js'

/** The target the settings describe for this event (docs/modes.md#events). */
export function plainTarget(settings: Settings, context: Pick<RunContext, 'eventName'>): Target {
  return deepFreeze({
    mode: resolveMode(settings, context.eventName),
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
 * A pull request's preview (docs/environments.md#previews): deployed under `prefix` with triggers off,
 * every resource planned and deletions allowed inside its own namespaces (`own`: those the repository no
 * longer holds, named without the prefix), into a transient GitHub environment named as the prefix.
 */
export function previewTarget(settings: Settings, prefix: string, own: readonly string[]): Target {
  return deepFreeze({
    mode: 'deploy',
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
