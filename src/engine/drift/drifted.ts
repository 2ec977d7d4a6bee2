import { decodeText } from '../../model/content.js'
import { FILE_HEADERS_ONLY, formatPatch, parsePatch, reversePatch } from 'diff'
import { diffTexts, NO_FILE } from '../plan/diff.js'
import { countPlan, resourceName, type Plan, type ResourceChange } from '../../model/plan.js'
import { WRITTEN, type ResourceResult } from '../../model/result.js'
import type { DriftedResource, DriftKind } from '../../model/drift.js'
import { kindOf, type DecideKind } from '../decide-kind.js'

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
export function driftedResources(plan: Plan, kinds: readonly DecideKind[]): DriftedResource[] {
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
      const held = kindOf(kinds, change).serverRevision?.(change)
      return {
        change,
        name,
        kind,
        ...diffOf(change, name, kinds),
        ...(held && { revision: held.revision }),
        ...(held?.updated !== undefined && { updated: held.updated })
      }
    })
}

function diffOf(
  change: ResourceChange,
  name: string,
  kinds: readonly DecideKind[]
): Pick<DriftedResource, 'diff' | 'diffOmitted'> {
  if (change.diff !== undefined) return { diff: gitToServerDiff(change.diff, name) }
  if (change.diffOmitted) return { diffOmitted: change.diffOmitted }
  if (change.action !== 'orphaned') return {}
  // Kept on the server and not diffed by the plan: all of it is Kestra's.
  const text = serverText(kindOf(kinds, change).serverContent?.(change))
  if (text === null) return { diffOmitted: 'binary' }
  if (text === undefined) return {}
  const shown = diffTexts('', `kestra/${name}`, undefined, text)
  return shown.diff === undefined ? { diffOmitted: 'too-large' } : { diff: shown.diff }
}

/** Decoded text, null for binary content, undefined when the server's copy was not kept. */
function serverText(content: string | Uint8Array | undefined): string | null | undefined {
  if (content === undefined || typeof content === 'string') return content
  return decodeText(content) ?? null
}

/**
 * The plan's diff reversed: drift reads from Git to what Kestra holds (docs/drift.md#the-drift-issue),
 * removals first in each run of changed lines, as a diff tool prints them.
 */
export function gitToServerDiff(planDiff: string, name: string): string {
  const [patch] = parsePatch(planDiff)
  if (!patch) return planDiff
  const reversed = reversePatch(patch)
  reversed.oldFileName = reversed.oldFileName === NO_FILE ? NO_FILE : `git/${name}`
  reversed.newFileName = reversed.newFileName === NO_FILE ? NO_FILE : `kestra/${name}`
  for (const hunk of reversed.hunks) hunk.lines = removalsFirst(hunk.lines)
  return formatPatch(reversed, FILE_HEADERS_ONLY)
}

function removalsFirst(lines: string[]): string[] {
  const out: string[] = []
  let removed: string[] = []
  let added: string[] = []
  let last: string[] | undefined
  const flush = () => {
    out.push(...removed, ...added)
    removed = []
    added = []
  }
  for (const line of lines) {
    if (line.startsWith('-')) (last = removed).push(line)
    else if (line.startsWith('+')) (last = added).push(line)
    else if (line.startsWith('\\') && last) last.push(line)
    else {
      flush()
      last = undefined
      out.push(line)
    }
  }
  flush()
  return out
}

interface RevertOutcome {
  /** Per-resource results; undefined when the deploy stopped before writing (a guard refused it). */
  resources?: readonly ResourceResult[]
  /** The deploy was refused as a whole (out of order, max-deletions…), with why. */
  refused?: string
  rolledBack?: boolean
}

/**
 * The drift a revert leaves (docs/drift.md#revert): what Git holds again goes; a conflict, a failure, a
 * resource kept, or everything after a rollback or a refusal stays, with what became of it.
 */
export function remainingDrift(
  items: readonly DriftedResource[],
  outcome: RevertOutcome
): (DriftedResource & { note: string })[] {
  if (outcome.refused !== undefined || !outcome.resources) {
    const why = outcome.refused ?? 'the deploy stopped before writing'
    return items.map((item) => ({ ...item, note: `not reverted: ${why}` }))
  }
  if (outcome.rolledBack) {
    return items.map((item) => ({ ...item, note: 'reverted, then rolled back with the deploy' }))
  }
  const results = new Map(outcome.resources.map((r) => [resourceName(r.change), r]))
  return items.flatMap((item) => {
    const done = results.get(item.name)
    if (item.change.action === 'orphaned') {
      return [
        { ...item, note: 'kept: delete is false, so the revert keeps what only Kestra holds' }
      ]
    }
    if (!done) return [{ ...item, note: 'not reverted: the deploy did not reach it' }]
    if (WRITTEN.has(done.result) || done.result === 'unchanged') return []
    return [{ ...item, note: done.message ? `${done.result}: ${done.message}` : done.result }]
  })
}
