import { settled, type ApplyKind } from '../../apply/kind.js'
import type { KestraApi } from '../../kestra/api.js'
import {
  dashboardFields,
  holds,
  sourceFields,
  type RemoteDashboard
} from '../../kestra/dashboards.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'

type DashboardChange = ResourceChanges['dashboard']

/**
 * Writes dashboards (docs/dashboards.md#deploy): each compared with the server's copy right before its
 * write; a dashboard deleted on the server since the plan is never re-created.
 * A rollback puts them back (`apply-rollback.ts`).
 */
export const dashboardsApply: ApplyKind<DashboardChange> = {
  name: 'dashboard',
  async write(change, api) {
    const wanted = wantedOf(change)
    if (!wanted)
      return { change, result: 'failed', message: 'the plan holds no source for this dashboard' }
    const fresh = await api.getDashboard(change.id)
    if (fresh && holds(fresh, wanted)) return settled(change, { kind: 'desired' })
    if (change.action === 'create') {
      if (fresh) return conflict(change, 'was created on the server since the plan')
      return create(change, wanted, api)
    }
    if (!fresh) return conflict(change, 'was deleted on the server since the plan')
    if (!isAsPlanned(fresh, change))
      return conflict(change, 'was changed on the server since the plan')
    const stored = await api.updateDashboard(change.id, wanted.source)
    if (!stored) return conflict(change, 'was deleted on the server during the deploy')
    return { change, result: 'updated' }
  },
  async remove(change, api) {
    const fresh = await api.getDashboard(change.id)
    if (!fresh) return settled(change, { kind: 'desired' })
    if (!isAsPlanned(fresh, change))
      return conflict(change, 'was changed on the server since the plan')
    return (await api.deleteDashboard(change.id))
      ? { change, result: 'deleted' }
      : settled(change, { kind: 'desired' })
  }
}

async function create(
  change: DashboardChange,
  wanted: { source: string; fields: string },
  api: KestraApi
): Promise<ResourceResult> {
  const outcome = await api.createDashboard(wanted.source)
  if (outcome.created) return { change, result: 'created' }
  // Another client, or this deploy's first attempt whose answer was lost, created it: compare.
  const stored = await api.getDashboard(change.id)
  if (stored && holds(stored, wanted)) {
    return outcome.retried ? { change, result: 'created' } : settled(change, { kind: 'desired' })
  }
  return conflict(change, 'was created on the server since the plan')
}

function wantedOf(change: DashboardChange): { source: string; fields: string } | undefined {
  if (change.desired === undefined) return undefined
  return { source: change.desired, fields: sourceFields(change.desired) ?? '' }
}

const ID_LINE = /^id:.*$/m

/** The server's copy is the one the plan read. */
function isAsPlanned(fresh: RemoteDashboard, change: DashboardChange): boolean {
  const planned = change.current
  if (!planned) return false
  if (fresh.sourceCode === undefined) return dashboardFields({ ...fresh }) === planned.compared
  if (planned.source === undefined) return false
  // The listing gives the text as stored; a read by id adds `id: <id>` first when no line starts with
  // `id:` (docs/kestra.md#dashboards).
  const read = ID_LINE.test(planned.source) ? planned.source : `id: ${change.id}\n${planned.source}`
  return holds(fresh, { source: read, fields: '' })
}

function conflict(change: DashboardChange, what: string): ResourceResult {
  return settled(change, { kind: 'moved', message: `dashboard ${change.id} ${what}` })
}
