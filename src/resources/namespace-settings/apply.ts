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
import { canonicalJson, sha256Hex } from '../../model/content.js'
import { errorMessage } from '../../model/errors.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'
import { FIELDS, implicit, managedView, NAMESPACES_ROUTE, type Field } from './decide-file.js'

type SettingsChange = ResourceChanges['namespace']

/** The namespace's entity on the server and its managed fields as compared (undefined: none, a 404). */
async function fresh(api: KestraApi, namespace: string, fields: readonly Field[]) {
  const entity = await api.jsonEntities(NAMESPACES_ROUTE).get(namespace)
  const json = entity && !implicit(entity) ? canonicalJson(managedView(fields, entity)) : undefined
  return { entity, json }
}

/**
 * Writes a namespace's settings (docs/namespace-settings.md#deploy): compared right before, then created
 * (`POST`) or its entity put back with the managed fields replaced (`PUT`), every other field as the server
 * holds it. A failure of settings holding a secret-like key never carries the server's answer.
 */
export const namespaceSettingsApply: ApplyKind<SettingsChange> = {
  name: 'namespace',
  async write(change, api) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no settings for this namespace' }
    }
    try {
      const desired = JSON.parse(change.desired.json) as Record<string, unknown>
      const now = await fresh(api, change.namespace, change.fields)
      const verdict = comparedVerdict(change, `namespace ${change.namespace}'s settings`, {
        fresh: now.json,
        planned: change.current?.json,
        desired: change.desired.json
      })
      if (verdict.kind !== 'as-planned') return settled(change, verdict)
      const entities = api.jsonEntities(NAMESPACES_ROUTE)
      const result = change.action === 'create' ? 'created' : 'updated'
      if (!now.entity) {
        await entities.create({ id: change.namespace, deleted: false, ...desired })
      } else if (!(await entities.update(change.namespace, { ...now.entity, ...desired }))) {
        const message = `namespace ${change.namespace} was deleted on the server since the plan`
        return settled(change, { kind: 'moved', message })
      }
      return keptAsSent(change, (await fresh(api, change.namespace, change.fields)).json, result)
    } catch (error) {
      return failed(change.secretLike, change, error)
    }
  },
  // Never planned: a namespace's settings are never deleted (docs/namespace-settings.md#what-never-happens).
  remove(change) {
    const message = 'namespace settings are never deleted'
    return Promise.resolve({ change, result: 'failed', message })
  },
  // Enterprise's entity of a preview namespace, which the preview made: its close deletes it after the rest.
  // A namespace Kestra knows only from what it holds (open source) has none.
  async held(namespace, api) {
    const entities = api.jsonEntities(NAMESPACES_ROUTE)
    const entity = await entities.get(namespace)
    if (!entity || implicit(entity)) return []
    return [
      {
        name: `namespace ${namespace}`,
        remove: async () => {
          await entities.delete(namespace)
        }
      }
    ]
  }
}

/**
 * What Kestra kept is what was sent (docs/guarantees.md#what-kestra-keeps): Kestra 2.0's API ignores the fields it
 * does not know, so a write can succeed and keep less. A difference is a failed write naming the fields, never
 * their values.
 */
function keptAsSent(
  change: SettingsChange,
  kept: string | undefined,
  result: 'created' | 'updated'
): ResourceResult {
  const sent = change.desired!.json
  if (kept === sent) return { change, result }
  const read = (kept === undefined ? {} : JSON.parse(kept)) as Record<string, unknown>
  const wanted = JSON.parse(sent) as Record<string, unknown>
  const differ = change.fields.filter(
    (field) => canonicalJson(read[field] ?? null) !== canonicalJson(wanted[field] ?? null)
  )
  const named = differ.length > 0 ? differ.join(', ') : 'its settings'
  const message = `Kestra took the write but reads back ${named} other than sent (a server that ignores fields it does not know keeps less): check what this Kestra release's namespaces hold`
  return { change, result: 'failed', message, notKept: true }
}

const HIDDEN_ANSWER = 'its answer is not shown: the settings hold a secret-like key'

function failed(secretLike: boolean, change: SettingsChange, error: unknown): ResourceResult {
  const marks = failureMarks(error)
  const status =
    error instanceof ApiError && error.status !== undefined ? ` (HTTP ${error.status})` : ''
  const message = !secretLike
    ? errorMessage(error)
    : marks.outcomeUnknown
      ? `Kestra may or may not have applied this write (its answer was lost); ${HIDDEN_ANSWER}`
      : `the request failed${status}; ${HIDDEN_ANSWER}`
  return { change, result: 'failed', message, ...marks }
}

/** The managed fields by the SHA-256 of their canonical JSON; `json`, the fields themselves, when the budget allows. */
const settingsVersion = z.object({ sha256: sha256Field, json: z.string().optional() })

/** A namespace's settings as a rollback records them (docs/namespace-settings.md#rollback). */
const recordedSettings = recordedSchema(
  'namespace',
  { fields: z.array(z.enum(FIELDS)), secretLike: z.boolean() },
  settingsVersion
)
type RecordedSettings = z.infer<typeof recordedSettings>

/**
 * Namespace settings in a rollback (docs/namespace-settings.md#rollback): the managed fields put back as they
 * were, every other field kept; a namespace the deploy created is deleted, only while it holds what the deploy
 * wrote.
 */
export const namespaceSettingsRollback: RollbackKind<SettingsChange, RecordedSettings> = {
  name: 'namespace',
  recordOf(change) {
    const before = change.current && { sha256: sha256Hex(change.current.json) }
    const deployed = change.desired && { sha256: sha256Hex(change.desired.json) }
    return {
      resource: {
        kind: 'namespace',
        fields: change.fields,
        secretLike: change.secretLike,
        ...(before && { before }),
        ...(deployed && { deployed })
      },
      previous: change.current?.json
    }
  },
  nameOf: (_, namespace) => `${namespace} settings`,
  parse: (value) => recordedSettings.safeParse(value).data,
  embed: (resource, previous) => embedText(resource, previous, 'json'),
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const guarded = async <T>(request: () => Promise<T>): Promise<T> => {
      try {
        return await request()
      } catch (error) {
        if (!resource.secretLike) throw error
        throw new Error(`the request failed; ${HIDDEN_ANSWER}`, { cause: error })
      }
    }
    const now = await guarded(() => fresh(api, namespace, resource.fields))
    const held = now.json === undefined ? {} : { sha256: sha256Hex(now.json) }
    const entities = api.jsonEntities(NAMESPACES_ROUTE)
    return restoreByHash(resource, held, deployed, {
      remove: () => guarded(() => entities.delete(namespace)),
      async putBack(before) {
        const json = typeof item.previous === 'string' ? item.previous : before.json
        if (json === undefined || sha256Hex(json) !== before.sha256) {
          throw new Error(
            'its previous settings were too large to keep in the rollback record; restore them from Git'
          )
        }
        const previous = JSON.parse(json) as Record<string, unknown>
        await guarded(() => entities.update(namespace, { ...now.entity, ...previous }))
        return 'previous settings restored'
      }
    })
  }
}
