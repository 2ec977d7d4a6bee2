import { settled, type ApplyKind } from '../../apply/kind.js'
import type { KestraApi } from '../../kestra/api.js'
import { ApiError, failureMarks } from '../../kestra/errors.js'
import { errorMessage } from '../../model/errors.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'
import { canonicalJson } from '../../model/content.js'

type KvChange = ResourceChanges['kv']

/**
 * Writes KV pairs (docs/kv.md#deploy): each compared with the server's value right before its write; a
 * key deleted on the server since the plan is never re-created. A secret-like key's failure never carries
 * the server's answer, which could echo the value.
 */
export const kvApply: ApplyKind<KvChange> = {
  name: 'kv',
  async write(change, api) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no value for this key' }
    }
    try {
      const fresh = await serverJson(api, change)
      if (fresh === change.desired.json) return settled(change, { kind: 'desired' })
      if (change.action === 'create' && fresh !== undefined) {
        return conflict(change, 'was created on the server since the plan')
      }
      if (change.action === 'update') {
        if (fresh === undefined) return conflict(change, 'was deleted on the server since the plan')
        if (fresh !== change.current?.json) {
          return conflict(change, 'was changed on the server since the plan')
        }
      }
      await api.putKv(change.namespace, change.id, JSON.parse(change.desired.json))
      return { change, result: change.action === 'create' ? 'created' : 'updated' }
    } catch (error) {
      return failed(change, error)
    }
  },
  async remove(change, api) {
    try {
      const fresh = await serverJson(api, change)
      if (fresh === undefined) return settled(change, { kind: 'desired' })
      if (fresh !== change.current?.json) {
        return conflict(change, 'was changed on the server since the plan')
      }
      await api.deleteKv(change.namespace, change.id)
      return { change, result: 'deleted' }
    } catch (error) {
      return failed(change, error)
    }
  }
}

async function serverJson(api: KestraApi, change: KvChange): Promise<string | undefined> {
  const value = await api.getKv(change.namespace, change.id)
  return value === undefined ? undefined : canonicalJson(value)
}

/** A failed request: a secret-like key's says what happened, never what the server answered. */
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

function conflict(change: KvChange, what: string): ResourceResult {
  return settled(change, {
    kind: 'moved',
    message: `KV pair ${change.namespace}:${change.id} ${what}`
  })
}
