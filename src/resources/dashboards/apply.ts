import { z } from 'zod'
import { type ApplyKind, type RollbackKind, settled } from '../../engine/apply/kind.js'
import { embedText } from '../../engine/apply/rollback.js'
import { recordedSchema, sha256Field } from '../../engine/apply/rollback-record.js'
import type { KestraApi } from '../../adapters/kestra/api.js'
import {
  dashboardFields,
  holds,
  type RemoteDashboard,
  sourceFields
} from '../../adapters/kestra/dashboards.js'
import { normaliseText, sha256Hex } from '../../model/content.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'

/** Writes dashboards (docs/dashboards.md#deploy), each compared with the server's copy right before. */
export const dashboardsApply: ApplyKind<DashboardChange> = {
  name: 'dashboard',
  async write(change, api) {
    if (change.desired === undefined)
      return { change, result: 'failed', message: 'the plan holds no source for this dashboard' }
    const wanted = { source: change.desired, fields: sourceFields(change.desired) ?? '' }
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
    return keptAsSent(change, stored, wanted, 'updated')
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
  if (outcome.created)
    return keptAsSent(change, await api.getDashboard(change.id), wanted, 'created')
  // Another client, or this deploy's first attempt whose answer was lost, created it: compare.
  const stored = await api.getDashboard(change.id)
  if (stored && holds(stored, wanted)) {
    return outcome.retried ? { change, result: 'created' } : settled(change, { kind: 'desired' })
  }
  return conflict(change, 'was created on the server since the plan')
}

const ID_LINE = /^id:.*$/m

/** A dashboard's source as a read by id gives it: `id: <id>` first when no line starts with `id:`. */
function asRead(source: string, id: string): string {
  return ID_LINE.test(source) ? source : `id: ${id}\n${source}`
}

/**
 * What Kestra answers after the write, or reads back, is what was sent (docs/guarantees.md#what-kestra-keeps); a
 * read that finds none (another client deleted it meanwhile) says nothing of what was kept.
 */
function keptAsSent(
  change: DashboardChange,
  stored: RemoteDashboard | undefined,
  wanted: { source: string; fields: string },
  result: 'created' | 'updated'
): ResourceResult {
  const read = { ...wanted, source: asRead(wanted.source, change.id) }
  if (!stored || holds(stored, read) || holds(stored, wanted)) return { change, result }
  const message =
    'Kestra took the write but reads back another dashboard than was sent: check what stands between the action and Kestra (a proxy that rewrites bodies)'
  return { change, result: 'failed', message, notKept: true }
}

function isAsPlanned(fresh: RemoteDashboard, change: DashboardChange): boolean {
  const planned = change.current
  if (!planned) return false
  if (fresh.sourceCode === undefined) return dashboardFields({ ...fresh }) === planned.compared
  if (planned.source === undefined) return false
  // The listing gives the text as stored; a read by id adds `id: <id>` first when no line starts with
  // `id:` (docs/kestra.md#dashboards).
  const read = asRead(planned.source, change.id)
  return holds(fresh, { source: read, fields: '' })
}

function conflict(change: DashboardChange, what: string): ResourceResult {
  return settled(change, { kind: 'moved', message: `dashboard ${change.id} ${what}` })
}

type DashboardChange = ResourceChanges['dashboard']

/** `text` when the record's budget allows (else only the run that deployed holds it). */
const kindVersion = z.object({
  // The two hashes by name, not a record of any keys: zod's record drops a `__proto__` key, so a record read
  // back would differ from the one written.
  hashes: z.strictObject({ source: sha256Field.optional(), fields: sha256Field }).readonly(),
  text: z.string().optional()
})
type KindVersion = z.infer<typeof kindVersion>

/** A dashboard as a rollback records it (docs/dashboards.md#rollback). */
const recordedDashboard = recordedSchema('dashboard', { id: z.string() }, kindVersion)
type RecordedDashboard = z.infer<typeof recordedDashboard>

/** Dashboards in a rollback (docs/dashboards.md#rollback): by fields where the server gives no source. */
export const dashboardsRollback: RollbackKind<DashboardChange, RecordedDashboard> = {
  name: 'dashboard',
  tenantWide: true,
  recordOf(change) {
    const current = change.current
    const before: KindVersion | undefined = current && {
      hashes: {
        ...(current.source !== undefined && { source: sha256Hex(current.source) }),
        fields: sha256Hex(
          current.source !== undefined ? (sourceFields(current.source) ?? '') : current.compared
        )
      }
    }
    const sent = change.action === 'delete' ? undefined : change.desired
    const deployed: KindVersion | undefined = sent === undefined ? undefined : versionOf(sent)
    const resource: RecordedDashboard = {
      kind: 'dashboard',
      id: change.id,
      ...(before && { before }),
      ...(deployed && { deployed })
    }
    return { resource, previous: current?.source }
  },
  nameOf: (resource) => resource.id,
  parse: (value) => recordedDashboard.safeParse(value).data,
  embed: (resource, previous) => embedText(resource, previous, 'text'),
  async restore({ resource, previous }, _deployed, api) {
    const { id, before, deployed } = resource
    const fresh = await api.getDashboard(id)
    if (matches(fresh, before, id)) {
      return { result: 'restored', message: 'already as it was before the deploy', wrote: false }
    }
    if (!matches(fresh, deployed, id)) {
      const what = !fresh ? 'deleted' : !deployed ? 're-created' : 'changed'
      return { result: 'kept', message: `${what} on the server after the deploy`, wrote: false }
    }
    if (!before) {
      await api.deleteDashboard(id)
      return { result: 'restored', message: 'deleted (the deploy created it)', wrote: true }
    }
    const text = typeof previous === 'string' ? previous : before.text
    if (text === undefined) {
      const message =
        'not restored: its previous source is not known (the server gave none, or it was too large for the rollback record); restore it from Git'
      return { result: 'failed', message, wrote: false }
    }
    if (fresh) {
      if (!(await api.updateDashboard(id, text))) {
        const message = 'deleted on the server during the rollback'
        return { result: 'kept', message, wrote: false }
      }
      return { result: 'restored', message: 'previous source restored', wrote: true }
    }
    const outcome = await api.createDashboard(text)
    if (!outcome.created && !matches(await api.getDashboard(id), before, id)) {
      const message = 're-created on the server during the rollback'
      return { result: 'kept', message, wrote: false }
    }
    return { result: 'restored', message: 'previous source restored (re-created)', wrote: true }
  }
}

function versionOf(source: string): KindVersion {
  return { hashes: { source: sha256Hex(source), fields: sha256Hex(sourceFields(source) ?? '') } }
}

/**
 * The server's copy is this version (none: absent). By source when both have one; a read by id adds
 * `id: <id>` first when no line starts with `id:` (docs/kestra.md#dashboards). By fields otherwise.
 */
function matches(
  fresh: RemoteDashboard | undefined,
  version: KindVersion | undefined,
  id: string
): boolean {
  if (!fresh || !version) return !fresh && !version
  const { source, fields } = version.hashes
  if (fresh.sourceCode !== undefined && source !== undefined) {
    const text = normaliseText(fresh.sourceCode)
    const added = `id: ${id}\n`
    return (
      sha256Hex(text) === source ||
      (text.startsWith(added) && sha256Hex(text.slice(added.length)) === source)
    )
  }
  return fields !== undefined && sha256Hex(dashboardFields({ ...fresh })) === fields
}
