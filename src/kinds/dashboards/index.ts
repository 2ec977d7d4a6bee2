import type { Kind } from '../kind.js'
import type { ResourceChanges } from '../../model/plan.js'
import { dashboardsApply, dashboardsRollback } from './apply.js'
import { dashboardsDecide } from './decide.js'
import type { HeldDashboards } from './decide.js'
import { dashboardsGather } from './gather.js'

/** Kestra dashboards (docs/dashboards.md): read, checked, planned and written by this module alone. */
export const dashboards: Kind<HeldDashboards, ResourceChanges['dashboard']> = {
  gather: dashboardsGather,
  decide: dashboardsDecide,
  apply: dashboardsApply,
  rollback: dashboardsRollback
}
