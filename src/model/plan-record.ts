import { z } from 'zod'
import { defaultOf, fileMaySet } from './inputs/declared.js'
import { resourceName, type ResourceChange } from './plan.js'

/** One change as a plan records it: action, kind, name and the digest of its part of the fingerprint. */
const recordedChange = z.tuple([z.string(), z.string(), z.string(), z.string()])
export type RecordedChange = z.infer<typeof recordedChange>

/**
 * The plan marker's record (docs/comment.md#markers), format 1: fingerprint, commit and, so a refused deploy can
 * say what moved, the settings (`Settings.recorded`) and as many changes as fit. A part not of its shape is left
 * out.
 */
export const planRecordSchema = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  commit: z.string(),
  settings: z.record(z.string(), z.string()).optional().catch(undefined),
  changes: z.array(recordedChange).optional().catch(undefined),
  omitted: z.int().positive().optional().catch(undefined)
})
export type PlanRecord = z.infer<typeof planRecordSchema>

/** The recorded changes take at most this many characters, a small part of the comment's budget. */
const RECORDED_CHANGES_CHARS = 6_000

/** The record of a plan: its changes (unchanged resources left out) in plan order. */
export function planRecord(
  plan: { fingerprint: string; resources: readonly ResourceChange[] },
  commit: string,
  settings: Readonly<Record<string, string>> = {}
): PlanRecord {
  const changes = plan.resources
    .filter((r) => r.action !== 'unchanged')
    .map((r): RecordedChange => [r.action, r.kind, resourceName(r), r.digest ?? ''])
  let length = 0
  const kept = changes.filter((change) => {
    length += JSON.stringify(change).length + 1
    return length <= RECORDED_CHANGES_CHARS
  })
  return {
    fingerprint: plan.fingerprint,
    commit,
    settings: { ...settings },
    changes: kept,
    ...(changes.length > kept.length && { omitted: changes.length - kept.length })
  }
}

/** What differs between the reviewed plan's record and now, as a refusal shows it: settings, then resources. */
export function recordDifferences(reviewed: PlanRecord, now: PlanRecord): string[] {
  const lines: string[] = []
  if (reviewed.settings && now.settings) {
    const names = [...new Set([...Object.keys(reviewed.settings), ...Object.keys(now.settings)])]
    const differing = names
      .sort()
      .filter((name) => reviewed.settings![name] !== now.settings![name])
      .map(
        (name) =>
          `  ${name}: ${shown(name, reviewed.settings![name])} (reviewed) → ${shown(name, now.settings![name])} (now)`
      )
    if (differing.length > 0)
      lines.push("Settings that differ from the reviewed plan's:", ...differing)
  }
  if (reviewed.changes && now.changes) {
    const key = (c: RecordedChange) => `${c[1]} ${c[2]}`
    const before = new Map(reviewed.changes.map((c) => [key(c), c]))
    const after = new Map(now.changes.map((c) => [key(c), c]))
    const complete = !reviewed.omitted && !now.omitted
    const differing: string[] = []
    for (const [name, change] of after) {
      const was = before.get(name)
      if (!was) {
        if (complete) differing.push(`  ${change[0]} ${name}: not in the reviewed plan`)
      } else if (was[0] !== change[0]) {
        differing.push(`  ${change[0]} ${name}: reviewed as ${was[0]}`)
      } else if (was[3] !== change[3]) {
        differing.push(
          `  ${change[0]} ${name}: what it writes or expects on the server changed since the review`
        )
      }
    }
    if (complete) {
      for (const [name, was] of before) {
        if (!after.has(name)) differing.push(`  ${was[0]} ${name}: reviewed, no longer in the plan`)
      }
    }
    if (differing.length > 0)
      lines.push('Resources that differ from the reviewed plan:', ...differing)
  }
  return lines
}

/** A recorded value; a setting not recorded has its default. */
function shown(name: string, value: string | undefined): string {
  if (value !== undefined) return JSON.stringify(value)
  return fileMaySet(name) ? `${JSON.stringify(defaultOf(name))} (default)` : '(default)'
}
