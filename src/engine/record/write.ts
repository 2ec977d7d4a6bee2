import type { KestraApi } from '../../adapters/kestra/api.js'
import { isOutcomeUnknown } from '../../adapters/kestra/errors.js'
import type { MarkerSeal } from './seal.js'
import { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'
import type { CommitMarker } from '../../model/commit-marker.js'
import { COMMIT_MARKER_KEY } from './marker.js'

export interface MarkerWrite {
  written: string[]
  /** Markers whose write lost its answer: they may or may not name this commit. */
  unknown: string[]
  warnings: string[]
}

/**
 * What the kinds keep in each namespace's marker besides the commit (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker),
 * with the seal that lets a run use it.
 */
export interface KeptByKinds {
  /** By namespace: each kind's field and its value. */
  ours: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  /**
   * The fields whose entries (by key) make a marker stale when they differ from this deploy's (a kind's checks);
   * the others ride with a marker written anyway, so that a no-change deploy writes nothing.
   */
  rewriting: ReadonlySet<string>
  /** The recorded markers, as far as their seal vouches for them (`trustedMarker`). */
  recorded?: ReadonlyMap<string, Record<string, unknown>>
  /** A plan trusts nothing kept unsealed. */
  seal: MarkerSeal
}

export async function writeMarker(
  api: KestraApi,
  namespace: string,
  ours: CommitMarker,
  semaphore: Semaphore,
  kept?: KeptByKinds
): Promise<MarkerWrite> {
  try {
    const fields = kept?.ours.get(namespace)
    const held = { ...ours, ...fields }
    const value =
      kept && fields && Object.keys(fields).length > 0 ? kept.seal.sealed(namespace, held) : held
    await semaphore.run(() => api.putKv(namespace, COMMIT_MARKER_KEY, value))
    return { written: [namespace], unknown: [], warnings: [] }
  } catch (error) {
    return {
      written: [],
      unknown: isOutcomeUnknown(error) ? [namespace] : [],
      warnings: [
        `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`
      ]
    }
  }
}

/** Whether the recorded marker keeps, in each field that rewrites it, the entries (by key) this deploy keeps. */
export function sameKept(kept: KeptByKinds | undefined, namespace: string): boolean {
  if (!kept) return true
  const recorded = kept.recorded?.get(namespace)
  return Object.entries(kept.ours.get(namespace) ?? {}).every(([field, value]) => {
    if (!kept.rewriting.has(field)) return true
    const held = recorded?.[field]
    if (typeof held !== 'object' || held === null || typeof value !== 'object' || value === null)
      return false
    const keys = Object.keys(held)
    return (
      keys.length === Object.keys(value).length && keys.every((key) => Object.hasOwn(value, key))
    )
  })
}

/** A rollback's put-back: the value the marker held before the deploy, or none (the key removed). */
export async function putBackMarker(
  api: Pick<KestraApi, 'putKv' | 'deleteKv'>,
  namespace: string,
  value: unknown
): Promise<void> {
  if (value === undefined) await api.deleteKv(namespace, COMMIT_MARKER_KEY)
  else await api.putKv(namespace, COMMIT_MARKER_KEY, value)
}
