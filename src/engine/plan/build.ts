import { kindOf, type DecideKind, type KindPlanOptions } from '../decide-kind.js'
import { countPlan, type Plan, type PlanAction, type ResourceChange } from '../../model/plan.js'
import { DEFAULT_DIFF_LIMITS, type TextDiff } from './diff.js'
import type { DiffLimits, PlanInput } from '../../model/plan-input.js'
import { compareCodeUnits, sha256Hex } from '../../model/content.js'

/** Compares what the repository declares with what the server holds, kind by kind (`DecideKind.plan`). */
export function buildPlan(
  input: PlanInput,
  kinds: readonly DecideKind[],
  held: ReadonlyMap<string, unknown> = new Map()
): Plan {
  const limits: DiffLimits = { ...DEFAULT_DIFF_LIMITS, ...input.diffLimits }
  const namespaces = [...new Set(input.namespaces)].sort(compareCodeUnits)
  const options: KindPlanOptions = {
    deleteEnabled: input.deleteEnabled,
    scope: input.scope,
    changedFiles: input.changedFiles,
    limits,
    input
  }
  const resources: ResourceChange[] = []
  for (const kind of kinds) {
    if (kind.plan) resources.push(...kind.plan(held.get(kind.name), options))
  }
  sortInPlanOrder(resources, kinds)
  const changes = resources.filter((r) => r.action !== 'unchanged')
  const parts = changes.map((change) => kindOf(kinds, change).fingerprintOf(change))
  // A change's part of the fingerprint, cut to 16 hex digits (`ResourceChange.digest`).
  changes.forEach((change, i) => (change.digest = sha256Hex(JSON.stringify(parts[i])).slice(0, 16)))
  return {
    resources,
    namespaces,
    counts: countPlan(resources),
    fingerprint: fingerprint(parts, input.against)
  }
}

/** The action of a resource the server holds: kept, updated, deleted or orphaned as the run says. */
export function actionOf(options: KindPlanOptions, desired: boolean, same: boolean): PlanAction {
  return desired ? (same ? 'unchanged' : 'update') : options.deleteEnabled ? 'delete' : 'orphaned'
}

/** One entry per identity; when two files declare the same one, the first path wins. */
export function indexByFile<T extends { file: string }>(
  items: readonly T[],
  keyOf: (item: T) => string
): Map<string, T> {
  const index = new Map<string, T>()
  for (const item of [...items].sort((a, b) => compareCodeUnits(a.file, b.file))) {
    const key = keyOf(item)
    if (!index.has(key)) index.set(key, item)
  }
  return index
}

/** `changed` scope: whether the change touched one of these files (now or at the base commit). */
export function touched(options: KindPlanOptions, ...files: (string | undefined)[]): boolean {
  const changed = options.changedFiles
  if (options.scope === 'all' || changed === undefined) return true
  return files.some((file) => file !== undefined && changed.has(file))
}

/**
 * Whether the run manages the namespace (as sent): a kind plans the removal of what a file it no longer has held
 * only there, as it never touches a namespace the repository left (docs/resources.md#managed-namespaces).
 */
export function manages(options: KindPlanOptions, namespace: string): boolean {
  return options.input === undefined || options.input.namespaces.includes(namespace)
}

/**
 * `changed` scope: resources whose repository file changed, plus those that a changed path held at
 * the base commit and the head no longer declares (file removed or renamed, flow id changed).
 */
export function scopeFilter(
  options: KindPlanOptions,
  desired: ReadonlyMap<string, { file: string }>,
  base: ReadonlyMap<string, { file: string }> | undefined
): (key: string) => boolean {
  const changed = options.changedFiles
  if (options.scope === 'all' || changed === undefined) return () => true
  const touched = new Set<string>()
  for (const [key, { file }] of desired) if (changed.has(file)) touched.add(key)
  for (const [key, { file }] of base ?? []) {
    if (changed.has(file) && !desired.has(key)) touched.add(key)
  }
  return (key) => touched.has(key)
}

/**
 * The server copy is not the base commit's (`differsFromBase`: undefined when the base lacks the resource), as
 * `outsideGitOf` says of flows (docs/drift.md#the-uis-work-named): a resource the plan creates that the base held was
 * deleted outside Git, and one the base lacks that the server holds was created outside Git. Without any base
 * snapshot nothing can be called drift.
 */
export function isDrifted(
  action: PlanAction,
  hasBase: boolean,
  differsFromBase: boolean | undefined
): boolean {
  if (!hasBase || action === 'unchanged') return false
  if (action === 'create') return differsFromBase !== undefined
  return differsFromBase ?? true
}

export function applyDiff(change: ResourceChange, result: TextDiff): void {
  change.additions = result.additions
  change.deletions = result.deletions
  if (result.diff !== undefined) change.diff = result.diff
  if (result.tooLarge) change.diffOmitted = 'too-large'
}

/** Namespace, then the kinds' order, then identity; each asked once, not at every comparison. */
function sortInPlanOrder(resources: ResourceChange[], kinds: readonly DecideKind[]): void {
  const keyed = resources.map((change) => {
    const kind = kindOf(kinds, change)
    return { change, order: kind.order, id: kind.idOf(change) }
  })
  keyed.sort(
    (a, b) =>
      compareCodeUnits(a.change.namespace, b.change.namespace) ||
      a.order - b.order ||
      compareCodeUnits(a.id, b.id)
  )
  keyed.forEach(({ change }, i) => (resources[i] = change))
}

/**
 * sha256 of the canonical plan: each change's `fingerprintOf`, in plan order, and the server and tenant
 * (`against`); nothing run-specific (commit, time, drift).
 */
function fingerprint(changes: readonly unknown[], against?: PlanInput['against']): string {
  const where = against && { server: against.server, tenant: against.tenant }
  return sha256Hex(JSON.stringify({ version: 1, changes, ...(where && { against: where }) }))
}
