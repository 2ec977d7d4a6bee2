import { COMMIT_MARKER_KEY } from '../record/marker.js'
import { ROLLBACK_RECORD_KEY } from '../../model/after-deploy.js'
import { errorMessage } from '../../model/errors.js'
import { flowIdentity } from '../../model/flow-source.js'
import {
  describeOwner,
  inPreview,
  readPreviewOwner,
  PREVIEW_OWNER_KEY,
  sameOwner,
  type PreviewOwner
} from '../../model/preview.js'
import type { KestraApi, KestraServer, ListingsApi } from '../../adapters/kestra/api.js'
import { liveKvKeys } from '../../adapters/kestra/listings.js'
import { isActionKey } from '../../model/action-keys.js'
import { mapLimit } from '../../model/concurrency.js'
import type { ApplyKind, HeldResource } from './kind.js'

export interface Preview {
  prefix: string
  owner: PreviewOwner
}

interface RemovalResult {
  /** `test ns.id`, `kv ns:key`, `flow ns.id`, `file ns:/path`…, in the order deleted. */
  deleted: string[]
  failed: string[]
  /** Namespaces inside the prefix that are not this preview's, with why they were left as they are. */
  leftAlone: string[]
}

type PreviewApi = KestraApi & ListingsApi

/** The kinds a preview holds (the registry's apply parts): each says what a namespace holds of it. */
type PreviewKinds = readonly Pick<ApplyKind, 'held'>[]

/**
 * Every kind's resources in the namespace, in the reverse of the order they are written (test suites before
 * the flows they test, namespace files last): what a preview's close removes besides the action's own records.
 */
async function resourcesIn(
  api: PreviewApi,
  kinds: PreviewKinds,
  namespace: string
): Promise<HeldResource[]> {
  const held = await Promise.all([...kinds].reverse().map((kind) => kind.held?.(namespace, api)))
  return held.flatMap((resources) => resources ?? [])
}

/** The action's own records in the namespace's KV store (docs/kv.md#the-actions-own-keys). */
async function actionKeysIn(api: PreviewApi, namespace: string): Promise<string[]> {
  return ((await liveKvKeys(api, [namespace]))[namespace] ?? []).filter(isActionKey)
}

/** `inherited` names the preview namespace above whose record makes it this preview's. */
type Ownership =
  { kind: 'ours'; inherited?: string } | { kind: 'empty' } | { kind: 'theirs'; why: string }

/**
 * Whose the namespace is (docs/environments.md#previews): its record's; without one, the record of the
 * nearest namespace above it inside the prefix (one made in the UI below a preview's is that preview's);
 * with none above either, nobody's when empty, else someone else's, never touched.
 */
async function ownership(
  api: PreviewApi,
  preview: Preview,
  kinds: PreviewKinds,
  namespace: string
): Promise<Ownership> {
  const own = recordOwnership(preview, await api.getKv(namespace, PREVIEW_OWNER_KEY))
  if (own) return own
  let above: { namespace: string; why: string } | undefined
  for (const parent of ancestorsInPreview(preview.prefix, namespace)) {
    const recorded = recordOwnership(preview, await api.getKv(parent, PREVIEW_OWNER_KEY))
    if (recorded?.kind === 'ours') return { kind: 'ours', inherited: parent }
    if (recorded) {
      above = { namespace: parent, why: recorded.why }
      break
    }
  }
  const [resources, records] = await Promise.all([
    resourcesIn(api, kinds, namespace),
    actionKeysIn(api, namespace)
  ])
  if (resources.length === 0 && records.length === 0) return { kind: 'empty' }
  return {
    kind: 'theirs',
    why: above
      ? `it lies below ${above.namespace}, and ${above.why}`
      : `it holds resources but no ownership record (KV ${PREVIEW_OWNER_KEY}): a preview of an older version of this action, or not a preview at all. If it is this pull request's, delete its content in Kestra`
  }
}

function recordOwnership(
  preview: Preview,
  value: unknown
): { kind: 'ours' } | { kind: 'theirs'; why: string } | undefined {
  if (value === undefined) return undefined
  const read = readPreviewOwner(value)
  if ('refused' in read) {
    const why = `its ownership record (KV ${PREVIEW_OWNER_KEY}) is not one this version of the action can read (${read.refused})`
    return { kind: 'theirs', why }
  }
  if (sameOwner(read.value, preview.owner)) return { kind: 'ours' }
  return { kind: 'theirs', why: `it belongs to ${describeOwner(read.value)}` }
}

/** The namespaces above `namespace` that are still inside the prefix, nearest first. */
function ancestorsInPreview(prefix: string, namespace: string): string[] {
  const above: string[] = []
  for (let at = namespace.lastIndexOf('.'); at > 0; at = namespace.lastIndexOf('.', at - 1)) {
    const parent = namespace.slice(0, at)
    if (!inPreview(prefix, parent)) break
    above.push(parent)
  }
  return above
}

/**
 * Deletes everything in the preview's own namespaces (docs/environments.md#previews), the ownership record
 * last, kept where a delete failed so that a re-run still knows the namespace is ours. A namespace outside
 * the prefix is refused; one inside it that is not this preview's is left alone and named.
 */
export async function removePreview(
  api: PreviewApi,
  preview: Preview,
  kinds: PreviewKinds,
  namespaces: readonly string[],
  options: { concurrency: number; log(message: string): void }
): Promise<RemovalResult> {
  const { prefix } = preview
  const result: RemovalResult = { deleted: [], failed: [], leftAlone: [] }
  // Every namespace's owner is known before anything is deleted: a child's may come from its parent's record.
  const owners = new Map<string, Ownership>()
  await mapLimit(namespaces, options.concurrency, async (namespace) => {
    if (!inPreview(prefix, namespace)) {
      result.failed.push(
        `namespace ${namespace}: refused, it is not inside the preview prefix ${prefix}.`
      )
      return
    }
    const owned = await ownership(api, preview, kinds, namespace)
    if (owned.kind === 'theirs') result.leftAlone.push(`${namespace}: left as it is, ${owned.why}.`)
    else if (owned.kind === 'ours') owners.set(namespace, owned)
  })
  const failures = new Map<string, number>()
  const attempt = async (namespace: string, what: string, remove: () => Promise<void>) => {
    try {
      if (!inPreview(prefix, namespace))
        throw new Error(`refused, not inside the preview prefix ${prefix}.`)
      await remove()
      result.deleted.push(what)
      options.log(`deleted ${what}`)
    } catch (error) {
      failures.set(namespace, (failures.get(namespace) ?? 0) + 1)
      result.failed.push(`${what}: ${errorMessage(error)}`)
    }
  }
  await mapLimit([...owners.keys()], options.concurrency, async (namespace) => {
    for (const resource of await resourcesIn(api, kinds, namespace)) {
      await attempt(namespace, resource.name, resource.remove)
    }
    const keys = await actionKeysIn(api, namespace)
    // The action's own entries after every kind's; the ownership record is left for last.
    const last = [ROLLBACK_RECORD_KEY, COMMIT_MARKER_KEY, PREVIEW_OWNER_KEY]
    const ordered = [
      ...keys.filter((key) => !last.includes(key)).sort(),
      ...last.filter((key) => keys.includes(key) && key !== PREVIEW_OWNER_KEY)
    ]
    for (const key of ordered) {
      await attempt(namespace, `kv ${namespace}:${key}`, () => api.deleteKv(namespace, key))
    }
  })
  // A record goes last, once its namespace and those below it that it makes ours are empty: a re-run still
  // knows them for this preview's.
  const recorded = [...owners].filter(([, owned]) => owned.kind === 'ours' && !owned.inherited)
  await mapLimit(recorded, options.concurrency, async ([namespace]) => {
    const held = [...owners].filter(
      ([child, owned]) =>
        child === namespace || (owned.kind === 'ours' && owned.inherited === namespace)
    )
    if (held.some(([child]) => (failures.get(child) ?? 0) > 0)) return
    await attempt(namespace, `kv ${namespace}:${PREVIEW_OWNER_KEY}`, () =>
      api.deleteKv(namespace, PREVIEW_OWNER_KEY)
    )
  })
  return result
}

/** The listed namespaces that are this preview's own (its ownership record names it). */
export async function ownNamespaces(
  api: PreviewApi,
  preview: Preview,
  kinds: PreviewKinds,
  namespaces: readonly string[]
): Promise<string[]> {
  const owned = await Promise.all(
    namespaces.map(
      async (namespace) =>
        inPreview(preview.prefix, namespace) &&
        (await ownership(api, preview, kinds, namespace)).kind === 'ours'
    )
  )
  return namespaces.filter((_, i) => owned[i])
}

/**
 * The server as a preview deploy may use it: a namespace is claimed before its first write or execution.
 * This preview's is written as asked, an empty one first gets this preview's ownership record, any other
 * is refused with why.
 */
export function ownedPreviewServer(
  api: KestraServer,
  preview: Preview,
  kinds: PreviewKinds
): KestraServer {
  const claims = new Map<string, Promise<void>>()
  const claim = (namespace: string): Promise<void> => {
    let claimed = claims.get(namespace)
    if (!claimed) {
      claimed = (async () => {
        if (!inPreview(preview.prefix, namespace)) {
          throw new Error(
            `refused: ${namespace} is not inside the preview prefix ${preview.prefix}.`
          )
        }
        const owned = await ownership(api, preview, kinds, namespace)
        if (owned.kind === 'theirs') {
          throw new Error(
            `refused: the preview namespace ${namespace} is not this one's, ${owned.why}.`
          )
        }
        if (owned.kind === 'empty') await api.putKv(namespace, PREVIEW_OWNER_KEY, preview.owner)
      })()
      claims.set(namespace, claimed)
    }
    return claimed
  }
  const claimed =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>, where = (...args: A) => args[0]) =>
    async (...args: A): Promise<R> => {
      await claim(String(where(...args)))
      return write(...args)
    }
  const namespaceOf = (source: string) => flowIdentity(source)?.namespace ?? ''
  // Dashboards are tenant-wide: no preview namespace holds them (docs/dashboards.md#namespace-prefix-and-previews).
  const tenantWide = (): Promise<never> =>
    Promise.reject(
      new Error(
        `refused: dashboards are tenant-wide, outside the preview prefix ${preview.prefix}.`
      )
    )
  return {
    ...api,
    createFlow: claimed(api.createFlow, namespaceOf),
    updateFlow: claimed(api.updateFlow),
    deleteFlow: claimed(api.deleteFlow),
    uploadFile: claimed(api.uploadFile),
    deleteFile: claimed(api.deleteFile),
    putKv: claimed(api.putKv),
    deleteKv: claimed(api.deleteKv),
    // Any kind's YAML resources by namespace and id (test suites), each namespace claimed as well.
    yamlResources: (collection) => {
      const resources = api.yamlResources(collection)
      return {
        ...resources,
        create: claimed(resources.create, namespaceOf),
        update: claimed(resources.update),
        delete: claimed(resources.delete)
      }
    },
    // Kestra entities kept as JSON (Enterprise namespaces, whose id is the namespace), claimed as well.
    jsonEntities: (collection) => {
      const entities = api.jsonEntities(collection)
      return {
        ...entities,
        create: claimed(entities.create, (entity) => entity.id),
        update: claimed(entities.update),
        delete: claimed(entities.delete)
      }
    },
    createDashboard: tenantWide,
    updateDashboard: tenantWide,
    deleteDashboard: tenantWide,
    startExecution: claimed(api.startExecution)
  }
}
