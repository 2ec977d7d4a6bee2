import { z } from 'zod'
import {
  comparedVerdict,
  settled,
  type ApplyKind,
  type RollbackKind
} from '../../engine/apply/kind.js'
import { embedText, restoreByHash } from '../../engine/apply/rollback.js'
import { recordedSchema, sha256Field } from '../../engine/apply/rollback-record.js'
import type { KestraApi } from '../../adapters/kestra/api.js'
import { ApiError, failureMarks } from '../../adapters/kestra/errors.js'
import { liveKvKeys } from '../../adapters/kestra/listings.js'
import { isActionKey } from '../../model/action-keys.js'
import { canonicalJson, sha256Hex } from '../../model/content.js'
import { errorMessage } from '../../model/errors.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'

type KvChange = ResourceChanges['kv']

/**
 * Writes KV pairs (docs/kv.md#deploy). A secret-like key's failure never carries the server's answer,
 * which could echo the value.
 */
export const kvApply: ApplyKind<KvChange> = {
  name: 'kv',
  async write(change, api) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no value for this key' }
    }
    try {
      const verdict = await freshVerdict(api, change, change.desired.json)
      if (verdict.kind !== 'as-planned') return settled(change, verdict)
      await api.putKv(change.namespace, change.id, JSON.parse(change.desired.json))
      return { change, result: change.action === 'create' ? 'created' : 'updated' }
    } catch (error) {
      return failed(change, error)
    }
  },
  async remove(change, api) {
    try {
      const verdict = await freshVerdict(api, change, undefined)
      if (verdict.kind !== 'as-planned') return settled(change, verdict)
      await api.deleteKv(change.namespace, change.id)
      return { change, result: 'deleted' }
    } catch (error) {
      return failed(change, error)
    }
  },
  // Its live keys, as Kestra lists them (docs/kestra.md#kv-listings); the action's own are not KV pairs.
  async held(namespace, api) {
    const keys = (await liveKvKeys(api, [namespace]))[namespace] ?? []
    return keys
      .filter((key) => !isActionKey(key))
      .sort()
      .map((key) => ({
        name: `kv ${namespace}:${key}`,
        remove: () => api.deleteKv(namespace, key)
      }))
  }
}

async function freshVerdict(api: KestraApi, change: KvChange, desired: string | undefined) {
  const value = await api.getKv(change.namespace, change.id)
  const fresh = value === undefined ? undefined : canonicalJson(value)
  const name = `KV pair ${change.namespace}:${change.id}`
  return comparedVerdict(change, name, { fresh, planned: change.current?.json, desired })
}

function failed(change: KvChange, error: unknown): ResourceResult {
  const marks = failureMarks(error)
  const status =
    error instanceof ApiError && error.status !== undefined ? ` (HTTP ${error.status})` : ''
  const message = !change.secretLike
    ? errorMessage(error)
    : marks.outcomeUnknown
      ? 'Kestra may or may not have applied this write (its answer was lost); its answer is not shown: the key is secret-like'
      : `the request failed${status}; its answer is not shown: the key is secret-like`
  return { change, result: 'failed', message, ...marks }
}

/** A value by the SHA-256 of its canonical JSON; `json`, the value itself, when the record's budget allows. */
const kvVersion = z.object({ sha256: sha256Field, json: z.string().optional() })

/** A KV pair as a rollback records it (docs/kv.md#rollback). */
const recordedKv = recordedSchema('kv', { key: z.string(), secretLike: z.boolean() }, kvVersion)
type RecordedKv = z.infer<typeof recordedKv>

/**
 * KV pairs in a rollback (docs/kv.md#rollback): Kestra before 1.2 keeps no KV history. A secret-like key's
 * failure never carries the server's answer.
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
  embed: (resource, previous) => embedText(resource, previous, 'json'),
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
    return restoreByHash(resource, held, deployed, {
      remove: () => guarded(() => api.deleteKv(namespace, resource.key)),
      async putBack(before) {
        const json = typeof item.previous === 'string' ? item.previous : before.json
        if (json === undefined || sha256Hex(json) !== before.sha256) {
          throw new Error(
            'its previous value was too large to keep in the rollback record; restore it from Git'
          )
        }
        await guarded(() => api.putKv(namespace, resource.key, JSON.parse(json)))
        return 'previous value restored'
      }
    })
  }
}
