import { z } from 'zod'
import type { RollbackKind } from '../../apply/kind.js'
import { sha256Field } from '../../apply/rollback-record.js'
import { restoreByHash } from '../../apply/rollback.js'
import { canonicalJson, sha256Hex } from '../../model/content.js'
import type { ResourceChanges } from '../../model/plan.js'

type KvChange = ResourceChanges['kv']

/** A value by the SHA-256 of its canonical JSON; `json`, the value itself, when the record's budget allows. */
const kvVersion = z.object({ sha256: sha256Field, json: z.string().optional() })

/** A KV pair as a rollback records it (docs/kv.md#rollback). */
const recordedKv = z.object({
  kind: z.literal('kv'),
  key: z.string(),
  secretLike: z.boolean(),
  before: kvVersion.optional(),
  deployed: kvVersion.optional()
})
type RecordedKv = z.infer<typeof recordedKv>

/**
 * KV pairs in a rollback (docs/kv.md#rollback): each value by the hash of its canonical JSON; the previous
 * value kept in the record within its budget (Kestra before 1.2 keeps no KV history), and by this run in
 * memory. A secret-like key's failure never carries the server's answer.
 */
export const kvRollback: RollbackKind<KvChange, RecordedKv> = {
  name: 'kv',
  recordOf(change, { result }) {
    const deleted = result === 'deleted' || change.action === 'delete'
    const before = change.current && { sha256: sha256Hex(change.current.json) }
    const deployed = deleted
      ? undefined
      : change.desired && { sha256: sha256Hex(change.desired.json) }
    return {
      resource: {
        kind: 'kv',
        key: change.id,
        secretLike: change.secretLike,
        ...(before && { before }),
        ...(deployed && { deployed })
      },
      previous: change.current?.json
    }
  },
  nameOf: (resource, namespace) => `${namespace}:${resource.key}`,
  parse: (value) => recordedKv.safeParse(value).data,
  embed(resource, previous) {
    if (!resource.before || typeof previous !== 'string') return undefined
    return {
      resource: { ...resource, before: { ...resource.before, json: previous } },
      size: Buffer.byteLength(previous)
    }
  },
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const guarded = async <T>(request: () => Promise<T>): Promise<T> => {
      try {
        return await request()
      } catch (error) {
        if (!resource.secretLike) throw error
        throw new Error('the request failed; its answer is not shown: the key is secret-like', {
          cause: error
        })
      }
    }
    const value = await guarded(() => api.getKv(namespace, resource.key))
    const held = value === undefined ? {} : { sha256: sha256Hex(canonicalJson(value)) }
    const versions = { before: resource.before?.sha256, deployed: resource.deployed?.sha256 }
    return restoreByHash(versions, held, deployed, async () => {
      if (!resource.before) {
        await guarded(() => api.deleteKv(namespace, resource.key))
        return 'deleted (the deploy created it)'
      }
      const json = typeof item.previous === 'string' ? item.previous : resource.before.json
      if (json === undefined || sha256Hex(json) !== resource.before.sha256) {
        throw new Error(
          'its previous value was too large to keep in the rollback record; restore it from Git'
        )
      }
      await guarded(() => api.putKv(namespace, resource.key, JSON.parse(json)))
      return 'previous value restored'
    })
  }
}
