import type { FlowCaller, FlowChange, UnfinishedExecution } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'
import { unfinishedText } from '../../decide/render/headline.js'

/**
 * What a flow change's line and the block above its diff say of its impact (docs/impact.md) and of what
 * the review caught (docs/caught-at-review.md).
 */

const VIA: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow',
  foreach: 'ForEachItem',
  'flow-trigger': 'Flow trigger'
}

/**
 * Marks for a flow's one-line summary: how many flows call it, and that its triggers change
 * (docs/impact.md).
 */
export function impactMarks(r: FlowChange): string[] {
  if (!r.impact) return []
  const marks: string[] = []
  const callers = new Set(r.impact.callers.map((c) => `${c.namespace}.${c.id}`)).size
  if (callers > 0) marks.push(`📞 called by ${callers} flow${callers === 1 ? '' : 's'}`)
  if (r.impact.triggers.length > 0) marks.push('⏰ triggers change')
  return marks
}

/** The callers and trigger changes in words, shown above the flow's diff; undefined when there are none. */
export function impactText(r: FlowChange): string | undefined {
  if (!r.impact) return undefined
  const { callers, triggers } = r.impact
  const out: string[] = []
  if (callers.length > 0) {
    const names = callers.map(
      (c) =>
        `${escapeText(`${c.namespace}.${c.id}`)} (${VIA[c.via]}${c.serverOnly ? ', server only' : ''})${breaksText(c)}`
    )
    const verb = r.action === 'delete' ? 'Still called by' : 'Called by'
    // A broken call says what breaks: one caller per line then, so that each reads on its own.
    if (callers.some((c) => c.breaks?.length))
      out.push(`**${verb}:**`, ...names.map((n) => `- ${n}`))
    else out.push(`**${verb}:** ${names.join(', ')}`)
  }
  if (triggers.length > 0) {
    out.push(
      '**Triggers:**',
      ...triggers.map(
        (t) =>
          `- ${asCode(escapeText(t.text))}${t.nextRun ? ` (next run after the commit: ${escapeText(t.nextRun)})` : ''}`
      )
    )
  }
  return out.join('\n')
}

/** Quoted values (cron expressions) of escaped text as inline code. */
function asCode(escaped: string): string {
  return escaped.replace(/&quot;(.*?)&quot;/g, '<code>$1</code>')
}

/** ` — ❌ breaks: …` after a caller whose call no longer fits (docs/caught-at-review.md#subflow-contracts). */
function breaksText(caller: FlowCaller): string {
  return caller.breaks?.length ? ` — ❌ breaks: ${escapeText(caller.breaks.join('; '))}` : ''
}

/**
 * Marks for a flow's one-line summary: names the server lacks (🔑) and executions not finished (⏳)
 * (docs/caught-at-review.md).
 */
export function reviewMarks(r: FlowChange): string[] {
  if (!r.review) return []
  const marks: string[] = []
  const missing = r.review.missing?.length ?? 0
  if (missing > 0) marks.push(`🔑 ${missing} missing name${missing === 1 ? '' : 's'}`)
  const unfinished = r.review.unfinished ?? []
  if (unfinished.length > 0) marks.push(`⏳ ${unfinishedText(unfinished)}`)
  return marks
}

/** The missing names and the executions in words, shown above the flow's diff; undefined when none. */
export function reviewText(r: FlowChange): string | undefined {
  if (!r.review) return undefined
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

/** `1 PAUSED, 1 RUNNING`: how many in each state, states sorted. */
function byState(executions: readonly Pick<UnfinishedExecution, 'state'>[]): string {
  const counts = new Map<string, number>()
  for (const e of executions) counts.set(e.state, (counts.get(e.state) ?? 0) + 1)
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([state, n]) => `${n} ${escapeText(state)}`)
    .join(', ')
}

/**
 * What the comment says above the flow's diff, as data for the `--json` document
 * (docs/cli.md#the-json-document); undefined when it says nothing.
 */
export function reviewData(r: FlowChange): Record<string, unknown> | undefined {
  const callers = r.impact?.callers ?? []
  const triggers = r.impact?.triggers ?? []
  const missing = r.review?.missing ?? []
  const unfinished = r.review?.unfinished ?? []
  const data = {
    ...(callers.length > 0 && {
      callers: callers.map((c) => ({
        ...{ namespace: c.namespace, id: c.id, via: c.via, server_only: c.serverOnly },
        ...(c.breaks?.length && { breaks: [...c.breaks] })
      }))
    }),
    ...(triggers.length > 0 && {
      triggers: triggers.map((t) => ({ text: t.text, ...(t.nextRun && { next_run: t.nextRun }) }))
    }),
    ...(missing.length > 0 && { missing: missing.map((m) => ({ kind: m.kind, name: m.name })) }),
    ...(unfinished.length > 0 && {
      unfinished: unfinished.map((e) => ({ id: e.id, state: e.state, url: e.url }))
    })
  }
  return Object.keys(data).length > 0 ? data : undefined
}
