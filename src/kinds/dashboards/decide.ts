import type { DecideKind } from '../../decide/kind.js'
import { sha256Hex } from '../../model/content.js'
import { repositoryPath } from '../../model/repository-paths.js'
import type { ResourceChanges } from '../../model/plan.js'
import { dashboardFindings } from './decide-checks.js'
import type { HeldDashboards } from './decide-held.js'
import { planDashboards } from './decide-plan.js'

type DashboardChange = ResourceChanges['dashboard']

/** Dashboards in a plan: tenant-wide, after a namespace's files and flows, by id (docs/dashboards.md). */
export const dashboardsDecide: DecideKind<DashboardChange, HeldDashboards> = {
  name: 'dashboard',
  order: 2,
  label: 'Dashboards',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  planFileDetails: () => ({}),
  fingerprintOf: (r) => [
    'dashboard',
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired),
    r.current === undefined ? null : sha256Hex(r.current.compared)
  ],
  validate: dashboardFindings,
  plan: (held, options) => (held ? planDashboards(held, options) : []),
  serverText: (change) => change.current?.source,
  newPath: (change, shape) =>
    FILE_NAME.test(change.id)
      ? { path: repositoryPath(shape.rootRel, 'dashboards', `${change.id}.yml`) }
      : { reason: 'its id cannot name a file' }
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
