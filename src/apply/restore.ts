import { sha256Hex } from '../model/content.js'
import { errorMessage } from '../model/errors.js'
import { isOutcomeUnknown } from '../kestra/errors.js'
import type { HistoryApi, KestraApi } from '../kestra/api.js'
import { short } from '../model/commit-marker.js'
import { flowHash } from './rollback-plan.js'
import type { RecordedResource, RestoreItem } from '../model/after-deploy.js'
import type { RestoreResult } from '../model/after-deploy.js'
import type { ApplyKind } from './kind.js'

type TenantWide = Extract<RecordedResource, { kind: 'tenant-wide' }>
/** A flow or a namespace file to put back. */
type NamespacedItem = RestoreItem & { resource: Exclude<RecordedResource, TenantWide> }

export function deployAction({ resource }: RestoreItem): RestoreResult['did'] {
  return !resource.before ? 'created' : !resource.deployed ? 'deleted' : 'updated'
}

interface Held {
  /** Hash of the content the server holds (flows: comparable source), undefined when absent. */
  sha256?: string
  revision?: number
}

/**
 * Puts one resource back as it was before the deploy, when the server still holds what the deploy wrote.
 * Already back (a restore whose answer was lost, or a run stopped after it): restored, nothing written.
 * Moved to anything else after the deploy (an edit in the UI): kept, never overwritten. A restore whose own
 * answer is lost is settled by reading the server once more (docs/rollback.md#writes-whose-answer-was-lost).
 */
export async function restoreItem(
  item: RestoreItem,
  deployed: string,
  api: KestraApi & HistoryApi,
  kinds: readonly ApplyKind[],
  again = true
): Promise<RestoreResult> {
  const did = deployAction(item)
  try {
    if (item.resource.kind === 'tenant-wide') {
      return { item, did, ...(await restoreOfKind(item.resource, item.previous, api, kinds)) }
    }
    return await restoreNamespaced(item as NamespacedItem, did, deployed, api)
  } catch (error) {
    if (again && isOutcomeUnknown(error)) return restoreItem(item, deployed, api, kinds, false)
    const message = `restore failed: ${errorMessage(error)}`
    return { item, did, result: 'failed', message, wrote: false }
  }
}

/** A tenant-wide resource goes back through its kind (`ApplyKind.restore`). */
async function restoreOfKind(
  resource: TenantWide,
  previous: RestoreItem['previous'],
  api: KestraApi,
  kinds: readonly ApplyKind[]
): Promise<Omit<RestoreResult, 'item' | 'did'>> {
  const kind = kinds.find((candidate) => candidate.name === resource.of)
  if (!kind?.restore) {
    const message = `not restored: no rollback of the ${resource.of} kind is registered (src/kinds/index.ts)`
    return { result: 'failed', message, wrote: false }
  }
  const { id, before, deployed } = resource
  const text = typeof previous === 'string' ? previous : undefined
  return kind.restore({ id, before, deployed }, text, api)
}

async function restoreNamespaced(
  item: NamespacedItem,
  did: RestoreResult['did'],
  deployed: string,
  api: KestraApi & HistoryApi
): Promise<RestoreResult> {
  const held = await heldNow(item, api)
  const { before, deployed: after } = item.resource
  if (held.sha256 === before?.sha256) {
    const message = 'already as it was before the deploy'
    return { item, did, result: 'restored', message, wrote: false }
  }
  if (held.sha256 !== after?.sha256) {
    const message = movedSince(item, held, deployed)
    return { item, did, result: 'kept', message, wrote: false }
  }
  return { item, did, result: 'restored', message: await putBack(item, held, api), wrote: true }
}

async function heldNow(item: NamespacedItem, api: KestraApi): Promise<Held> {
  const { namespace, resource } = item
  if (resource.kind === 'flow') {
    const flow = await api.getFlow(namespace, resource.id)
    return flow ? { sha256: flowHash(flow.source), revision: flow.revision } : {}
  }
  const bytes = await api.getFile(namespace, resource.path)
  return bytes ? { sha256: sha256Hex(bytes) } : {}
}

function movedSince({ resource }: NamespacedItem, held: Held, deployed: string): string {
  const commit = short(deployed)
  if (held.sha256 === undefined) return `deleted on the server after the deploy of ${commit}`
  if (!resource.deployed) return `re-created on the server after the deploy of ${commit}`
  const revisions =
    resource.kind === 'flow' ? ` (revision ${resource.deployed.revision} → ${held.revision})` : ''
  return `changed on the server after the deploy of ${commit}${revisions}`
}

/** Writes the previous version back; says what it did. */
async function putBack(
  item: NamespacedItem,
  held: Held,
  api: KestraApi & HistoryApi
): Promise<string> {
  const { namespace, resource } = item
  if (!resource.before) {
    if (resource.kind === 'flow') await api.deleteFlow(namespace, resource.id)
    else await api.deleteFile(namespace, resource.path)
    return 'deleted (the deploy created it)'
  }
  if (resource.kind === 'file') {
    await api.uploadFile(namespace, resource.path, await previousBytes(item, api))
    return 'previous content restored'
  }
  const source = await previousSource(item, api)
  const stored =
    held.sha256 === undefined
      ? await api.createFlow(source)
      : await api.updateFlow(namespace, resource.id, source)
  return `previous source restored as revision ${stored.revision} (was revision ${resource.before.revision})`
}

async function previousSource(item: NamespacedItem, api: HistoryApi): Promise<string> {
  const { namespace, resource } = item
  if (resource.kind !== 'flow' || !resource.before) throw new Error('no previous flow version')
  if (typeof item.previous === 'string') return item.previous
  const { revision, sha256 } = resource.before
  const source = await api.flowRevisionSource(namespace, resource.id, revision)
  if (source === undefined || flowHash(source) !== sha256) {
    throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`)
  }
  return source
}

async function previousBytes(item: NamespacedItem, api: HistoryApi): Promise<Uint8Array> {
  const { namespace, resource } = item
  if (resource.kind !== 'file' || !resource.before) throw new Error('no previous file version')
  if (item.previous instanceof Uint8Array) return item.previous
  const { sha256, size, revision, bytes } = resource.before
  if (bytes !== undefined) {
    const recorded = Buffer.from(bytes, 'base64')
    if (sha256Hex(recorded) === sha256) return recorded
  }
  if (revision !== undefined) {
    const stored = await api.fileRevision(namespace, resource.path, revision)
    if (stored && sha256Hex(stored) === sha256) return stored
    throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`)
  }
  throw new Error(
    `its previous content (${size} bytes) was too large to keep in the rollback record; restore it from Git`
  )
}
