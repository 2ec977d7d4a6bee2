import type { KestraApi } from '../kestra/api.js'
import type { MarkerSeal } from '../model/marker-seal.js'
import type { Semaphore } from '../model/concurrency.js'
import { errorMessage } from '../model/errors.js'
import { isOutcomeUnknown } from '../kestra/errors.js'
import type { IsAncestor } from './git-ancestry.js'
import { STORED_CHECKS_FIELD, type StoredFlowCheck } from '../model/stored-checks.js'
import { CONTENT_FACTS_FIELD, type StoredContentFacts } from '../model/content-facts.js'
import {
  COMMIT_MARKER_KEY,
  short,
  type CommitMarker,
  type RecordedMarkers
} from '../model/commit-marker.js'

interface CommitOrderCheck {
  /** One message per namespace that already holds a newer commit. */
  older: string[]
  warnings: string[]
}

/** Whether `ours` is older than what some namespace already holds (ours is an ancestor of the recorded commit). */
export async function checkCommitOrder(
  markers: RecordedMarkers,
  ours: CommitMarker,
  isAncestor: IsAncestor
): Promise<CommitOrderCheck> {
  const older: string[] = []
  const warnings: string[] = []
  // Namespaces usually hold the same commit: ask git once per commit, not once per namespace.
  const ancestry = new Map<string, Promise<boolean | undefined>>()
  const isOlderThan = (commit: string) => {
    let answer = ancestry.get(commit)
    if (!answer) ancestry.set(commit, (answer = isAncestor(ours.commit, commit)))
    return answer
  }
  for (const [namespace, recorded] of [...markers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (recorded === undefined || recorded.commit === ours.commit) continue
    if (recorded.repository !== ours.repository) {
      warnings.push(
        `Namespace ${namespace} was last deployed from ${recorded.repository} (commit ${short(recorded.commit)}); this deploy from ${ours.repository} overwrites what it holds.`
      )
      continue
    }
    const ancestor = await isOlderThan(recorded.commit)
    if (ancestor === true) {
      older.push(
        `commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace}; to roll back, push a revert commit.`
      )
    } else if (ancestor === undefined) {
      warnings.push(
        `Cannot tell whether commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace} (that commit is not in the checkout; use actions/checkout with fetch-depth: 0); deploying anyway.`
      )
    }
  }
  return { older, warnings }
}

export interface MarkerWrite {
  written: string[]
  /** Markers whose write lost its answer: they may or may not name this commit. */
  unknown: string[]
  warnings: string[]
}

/**
 * What a marker carries besides the commit (docs/performance.md#incremental-planning): the flow checks, ours
 * and those recorded, and the content facts. Only the checks make a marker stale: the facts ride with a
 * marker written anyway, so that a deploy that changes nothing writes nothing.
 */
interface MarkerChecks {
  ours: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /** The recorded markers, as far as their seal vouches for them (`trustedMarker`). */
  recorded?: ReadonlyMap<string, Record<string, unknown>>
  facts?: ReadonlyMap<string, StoredContentFacts>
  /** Seals each marker written with checks or facts: a plan trusts nothing else. */
  seal: MarkerSeal
}

/**
 * Writes our marker to each namespace whose recorded marker differs (in its commit, or in which flow
 * checks it carries); returns the namespaces written and problems.
 */
export async function writeMarkers(
  api: KestraApi,
  namespaces: string[],
  markers: RecordedMarkers,
  ours: CommitMarker,
  semaphore: Semaphore,
  checks?: MarkerChecks
): Promise<MarkerWrite> {
  const stale = staleMarkers(namespaces, markers, ours, checks)
  const unknown: string[] = []
  const outcomes = await Promise.all(
    stale.map(async (namespace) => {
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
        return undefined
      } catch (error) {
        if (isOutcomeUnknown(error)) unknown.push(namespace)
        return `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`
      }
    })
  )
  return {
    written: stale.filter((_, i) => outcomes[i] === undefined),
    unknown,
    warnings: outcomes.filter((w): w is string => w !== undefined)
  }
}

/** The namespaces whose marker a deploy of `ours` writes: another commit, or other checks, is recorded. */
export function staleMarkers(
  namespaces: readonly string[],
  markers: RecordedMarkers,
  ours: CommitMarker,
  checks?: MarkerChecks
): string[] {
  return namespaces.filter((namespace) => {
    const recorded = markers.get(namespace)
    return (
      recorded?.commit !== ours.commit ||
      recorded.repository !== ours.repository ||
      !sameChecks(checks, namespace)
    )
  })
}

/** Whether the namespace's recorded marker already carries exactly the checks we would store. */
function sameChecks(checks: MarkerChecks | undefined, namespace: string): boolean {
  const ours = checks?.ours.get(namespace)
  if (!ours) return true
  const recorded = checks?.recorded?.get(namespace)?.[STORED_CHECKS_FIELD]
  if (typeof recorded !== 'object' || recorded === null) return false
  const held = Object.keys(recorded)
  return (
    held.length === Object.keys(ours).length && held.every((digest) => Object.hasOwn(ours, digest))
  )
}
