import type { ResourceChange, UnfinishedExecution } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'

/**
 * Marks for a flow's one-line summary: names the server lacks (🔑) and executions not finished (⏳)
 * (docs/caught-at-review.md).
 */
export function reviewMarks(r: ResourceChange): string[] {
  if (r.kind !== 'flow' || !r.review) return []
  const marks: string[] = []
  const missing = r.review.missing?.length ?? 0
  if (missing > 0) marks.push(`🔑 ${missing} missing name${missing === 1 ? '' : 's'}`)
  const unfinished = r.review.unfinished ?? []
  if (unfinished.length > 0) marks.push(`⏳ ${unfinishedText(unfinished)}`)
  return marks
}

/** The missing names and the executions in words, shown above the flow's diff; undefined when none. */
export function reviewText(r: ResourceChange): string | undefined {
  if (r.kind !== 'flow' || !r.review) return undefined
  const out: string[] = []
  const missing = r.review.missing ?? []
  if (missing.length > 0) {
    const names = missing.map(
      (m) => `${m.kind === 'secret' ? 'secret' : 'KV key'} <code>${escapeText(m.name)}</code>`
    )
    out.push(`**Not defined on the server:** ${names.join(', ')}`)
  }
  const unfinished = r.review.unfinished ?? []
  if (unfinished.length > 0) {
    out.push(`**${unfinishedText(unfinished)}:** ${byState(unfinished)}`)
  }
  return out.length > 0 ? out.join('\n\n') : undefined
}

/** `2 executions not finished`. */
export function unfinishedText(executions: readonly unknown[]): string {
  const n = executions.length
  return `${n} execution${n === 1 ? '' : 's'} not finished`
}

/** `1 PAUSED, 1 RUNNING`: how many in each state, states sorted. */
function byState(executions: readonly Pick<UnfinishedExecution, 'state'>[]): string {
  const counts = new Map<string, number>()
  for (const e of executions) counts.set(e.state, (counts.get(e.state) ?? 0) + 1)
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([state, n]) => `${n} ${escapeText(state)}`)
    .join(', ')
}
