import type { ActualNamespace } from '../plan/input.js'
import { countPlan } from '../plan/counts.js'
import { decodeText } from '../plan/content.js'
import { diffTexts } from '../plan/diff.js'
import { resourceName, type DiffOmission, type Plan, type ResourceChange } from '../plan/types.js'
import { gitToServerDiff } from './git-to-server-diff.js'

/** How a resource differs in Kestra from the default branch (docs/drift.md#what-counts-as-drift). */
export type DriftKind = 'edited' | 'only-in-kestra' | 'deleted-in-kestra'

export interface DriftedResource {
  change: ResourceChange
  /** `namespace.id` or `namespace:/path`. */
  name: string
  kind: DriftKind
  /** Unified diff from Git's copy to Kestra's; undefined when binary or too large. */
  diff?: string
  diffOmitted?: DiffOmission
  /** The flow revision Kestra holds, and when it was saved where Kestra records it. */
  revision?: number
  updated?: string
}

/**
 * In a drift run the plan compares the default branch's head with the server, so every difference is
 * drift: the plan with each change marked drifted and counted (the `drifted` output).
 */
export function driftPlan(plan: Plan): Plan {
  const resources = plan.resources.map((r) =>
    r.action === 'unchanged' || r.drifted ? r : { ...r, drifted: true }
  )
  return { ...plan, resources, counts: countPlan(resources) }
}

/** The drifted resources of a drift run's plan, in the plan's order, each with its Git → Kestra diff. */
export function driftedResources(
  plan: Plan,
  state: ReadonlyMap<string, ActualNamespace>
): DriftedResource[] {
  return plan.resources
    .filter((r) => r.action !== 'unchanged')
    .map((change) => {
      const name = resourceName(change)
      const kind: DriftKind =
        change.action === 'update'
          ? 'edited'
          : change.action === 'create'
            ? 'deleted-in-kestra'
            : 'only-in-kestra'
      const held =
        change.kind === 'flow'
          ? state.get(change.namespace)?.flows.find((f) => f.id === change.id)
          : undefined
      return {
        change,
        name,
        kind,
        ...diffOf(change, name, state),
        ...(held && { revision: held.revision }),
        ...(held?.updated !== undefined && { updated: held.updated })
      }
    })
}

function diffOf(
  change: ResourceChange,
  name: string,
  state: ReadonlyMap<string, ActualNamespace>
): Pick<DriftedResource, 'diff' | 'diffOmitted'> {
  if (change.diff !== undefined) return { diff: gitToServerDiff(change.diff, name) }
  if (change.diffOmitted) return { diffOmitted: change.diffOmitted }
  if (change.action !== 'orphaned') return {}
  // Kept on the server and not diffed by the plan: all of it is Kestra's.
  const text =
    change.kind === 'flow'
      ? change.current?.source
      : serverText(state.get(change.namespace)?.files.find((f) => f.path === change.path)?.bytes)
  if (text === null) return { diffOmitted: 'binary' }
  if (text === undefined) return {}
  const shown = diffTexts('', `kestra/${name}`, undefined, text)
  return shown.diff === undefined ? { diffOmitted: 'too-large' } : { diff: shown.diff }
}

/** Decoded text, null for binary content, undefined when the bytes were not kept. */
function serverText(bytes: Uint8Array | undefined): string | null | undefined {
  return bytes === undefined ? undefined : (decodeText(bytes) ?? null)
}
