import type { ResourceChanges } from '../../model/plan.js'
import type { Kind } from '../resource.js'
import { namespaceSettingsApply, namespaceSettingsRollback } from './apply.js'
import { namespaceSettingsDecide, type HeldNamespaceSettings } from './decide.js'
import { namespaceSettingsGather } from './gather.js'

/** Kestra Enterprise namespace settings as code (docs/namespace-settings.md). */
export const namespaceSettings: Kind<HeldNamespaceSettings, ResourceChanges['namespace']> = {
  gather: namespaceSettingsGather,
  decide: namespaceSettingsDecide,
  apply: namespaceSettingsApply,
  rollback: namespaceSettingsRollback
}
