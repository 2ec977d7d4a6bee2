import type { KestraApi } from '../../adapters/kestra/api.js'
import { isOutcomeUnknown } from '../../adapters/kestra/errors.js'
import type { MarkerSeal } from './seal.js'
import { Semaphore } from '../../model/concurrency.js'
import { errorMessage } from '../../model/errors.js'
import type { CommitMarker } from '../../model/commit-marker.js'
import { COMMIT_MARKER_KEY } from './marker.js'
import { STORED_CHECKS_FIELD, type StoredFlowCheck } from '../../model/stored-checks.js'
import { CONTENT_FACTS_FIELD, type StoredContentFacts } from '../../model/content-facts.js'

export interface MarkerWrite {
  written: string[]
  /** Markers whose write lost its answer: they may or may not name this commit. */
  unknown: string[]
  warnings: string[]
}

/**
 * What a marker carries besides the commit (docs/performance.md#incremental-planning). Only the checks make
 * a marker stale: the facts ride with a marker written anyway, so that a no-change deploy writes nothing.
 */
interface MarkerChecks {
  ours: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /** The recorded markers, as far as their seal vouches for them (`trustedMarker`). */
  recorded?: ReadonlyMap<string, Record<string, unknown>>
  facts?: ReadonlyMap<string, StoredContentFacts>
  /** A plan trusts no checks or facts unsealed. */
  seal: MarkerSeal
}

export async function writeMarker(
  api: KestraApi,
  namespace: string,
  ours: CommitMarker,
  semaphore: Semaphore,
  checks?: MarkerChecks
): Promise<MarkerWrite> {
  try {
    const stored = checks?.ours.get(namespace)
    const facts = checks?.facts?.get(namespace)
    const held = {
      ...ours,
      ...(stored && { [STORED_CHECKS_FIELD]: stored }),
      ...(facts && { [CONTENT_FACTS_FIELD]: facts })
    }
    const value = checks && (stored || facts) ? checks.seal.sealed(namespace, held) : held
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

export function sameChecks(checks: MarkerChecks | undefined, namespace: string): boolean {
  const ours = checks?.ours.get(namespace)
  if (!ours) return true
  const recorded = checks?.recorded?.get(namespace)?.[STORED_CHECKS_FIELD]
  if (typeof recorded !== 'object' || recorded === null) return false
  const held = Object.keys(recorded)
  return (
    held.length === Object.keys(ours).length && held.every((digest) => Object.hasOwn(ours, digest))
  )
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
