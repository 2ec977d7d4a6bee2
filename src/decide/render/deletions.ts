import { resourceName, type Plan } from '../../model/plan.js'

/** How many deletions the line under the headline names (docs/comment.md#deletions). */
const NAMED = 10

export function deletionNames(plan: Plan): string[] {
  return plan.resources
    .filter((r) => r.action === 'delete')
    .map((r) => `${r.kind} ${resourceName(r)}`)
}

/**
 * What the line under the headline says of the plan's deletions, in plain text (the caller escapes it):
 * how many of each kind (`Deletes 2 flows`), then their names, the first ten; undefined when it deletes
 * nothing.
 */
export function deletionsText(plan: Plan): { counts: string; names: string } | undefined {
  const deleted = plan.resources.filter((r) => r.action === 'delete')
  if (deleted.length === 0) return undefined
  const byKind = new Map<string, number>()
  for (const r of deleted) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1)
  const counts = [...byKind].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ')
  const names = deletionNames(plan)
  const more = names.length > NAMED ? `, and ${names.length - NAMED} more` : ''
  return { counts: `Deletes ${counts}`, names: `${names.slice(0, NAMED).join(', ')}${more}.` }
}
