import type { FlowCaller, ResourceChange } from '../../model/plan.js'
import { escapeText } from '../../model/markdown/escape.js'

const VIA: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow',
  foreach: 'ForEachItem',
  'flow-trigger': 'Flow trigger'
}

/**
 * Marks for a flow's one-line summary: how many flows call it, and that its triggers change
 * (docs/impact.md).
 */
export function impactMarks(r: ResourceChange): string[] {
  if (r.kind !== 'flow' || !r.impact) return []
  const marks: string[] = []
  const callers = new Set(r.impact.callers.map((c) => `${c.namespace}.${c.id}`)).size
  if (callers > 0) marks.push(`📞 called by ${callers} flow${callers === 1 ? '' : 's'}`)
  if (r.impact.triggers.length > 0) marks.push('⏰ triggers change')
  return marks
}

/** The callers and trigger changes in words, shown above the flow's diff; undefined when there are none. */
export function impactText(r: ResourceChange): string | undefined {
  if (r.kind !== 'flow' || !r.impact) return undefined
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
