import type { KindPlanOptions } from '../../decide/kind.js'
import { applyDiff } from '../../decide/plan/build.js'
import { diffTexts } from '../../decide/plan/diff.js'
import type { PlanAction, ResourceChanges } from '../../model/plan.js'
import { segmentProblem } from '../../model/path-segment.js'
import {
  idOf,
  SECTION,
  type HeldDashboard,
  type HeldDashboards,
  type HeldFile
} from './decide-held.js'

type DashboardChange = ResourceChanges['dashboard']

const BY_FIELDS = "compared by their fields: this server's answers carry no dashboard source"
const NO_DASHBOARD = 'kept because the repository holds no dashboard'
const UNADDRESSABLE =
  "kept: its id cannot be addressed in Kestra's API (docs/kestra.md#path-segments)"

/**
 * The dashboards' changes (docs/dashboards.md#plan): each repository dashboard against the server's copy
 * (by source, or by fields when the server's answers carry none), drift against the base commit, and the
 * server's other dashboards orphaned, deleted only with `delete` and when the repository holds one.
 */
export function planDashboards(held: HeldDashboards, options: KindPlanOptions): DashboardChange[] {
  const server = held.server
  if (!server || 'unsupported' in server || held.prefixed) return []
  const desired = byId(held.files)
  const base = held.base && byId(held.base)
  const actual = new Map(server.dashboards.map((d) => [d.id, d]))
  const touched = scope(held, desired, options)
  const changes: DashboardChange[] = []
  for (const id of new Set([...desired.keys(), ...actual.keys()])) {
    if (touched && !touched.has(id)) continue
    const file = desired.get(id)
    const current = actual.get(id)
    const compared = current && comparedOf(current)
    const wanted = file && current ? comparedOf(current, file) : undefined
    let action: PlanAction
    if (!current) action = 'create'
    else if (file) action = wanted === compared ? 'unchanged' : 'update'
    else if (segmentProblem(id) !== undefined) action = 'orphaned'
    else action = options.deleteEnabled && held.files.length > 0 ? 'delete' : 'orphaned'
    const change: DashboardChange = {
      kind: 'dashboard',
      namespace: '',
      section: SECTION,
      id,
      action,
      drifted: false,
      ...(file && { file: file.file, desired: file.source }),
      ...(current &&
        compared !== undefined && {
          current: { compared, ...(current.source !== undefined && { source: current.source }) }
        })
    }
    if (current && current.source === undefined && file) change.remark = BY_FIELDS
    if (action === 'orphaned' && held.files.length === 0) change.remark = NO_DASHBOARD
    else if (action === 'orphaned' && segmentProblem(id) !== undefined)
      change.remark = UNADDRESSABLE
    const before = action === 'create' ? undefined : compared
    const after =
      action === 'delete' || action === 'orphaned' ? undefined : (wanted ?? file?.source)
    if (action !== 'unchanged' && action !== 'orphaned') {
      applyDiff(
        change,
        diffTexts(
          before === undefined ? '' : `a/dashboard/${id}`,
          after === undefined ? '' : `b/dashboard/${id}`,
          before,
          after,
          options.limits
        )
      )
    }
    if (base && current && (action === 'update' || action === 'delete' || action === 'orphaned')) {
      const then = base.get(id)
      change.drifted = then ? comparedOf(current, then) !== compared : action === 'update'
    }
    changes.push(change)
  }
  return changes
}

/** The repository's dashboards by id; the first file (by path) wins, its duplicates being findings. */
function byId(files: readonly HeldFile[]): Map<string, HeldFile> {
  const index = new Map<string, HeldFile>()
  for (const file of files) {
    const id = idOf(file.source)
    if (id !== undefined && !index.has(id)) index.set(id, file)
  }
  return index
}

/** `changed` scope: the ids whose file changed, and those a changed file held at the base commit. */
function scope(
  held: HeldDashboards,
  desired: Map<string, HeldFile>,
  options: KindPlanOptions
): Set<string> | undefined {
  const changed = options.changedFiles
  if (options.scope === 'all' || changed === undefined) return undefined
  const ids = new Set<string>()
  for (const [id, file] of desired) if (changed.has(file.file)) ids.add(id)
  for (const [id, file] of byId(held.base ?? [])) {
    if (changed.has(file.file) && !desired.has(id)) ids.add(id)
  }
  return ids
}

/** A dashboard as compared with the server's copy: by source when the server gave one, else by fields. */
function comparedOf(server: HeldDashboard, dashboard: HeldDashboard = server): string | undefined {
  return server.source !== undefined ? dashboard.source : dashboard.fields
}
