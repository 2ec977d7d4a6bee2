import { flowKey } from '../../model/targets.js'
import type { FlowChange, MissingName, Plan, UnfinishedExecution } from '../../model/plan.js'

/** What the review found per flow (docs/caught-at-review.md), keyed by flowKey. */
interface ReviewInput {
  missing: ReadonlyMap<string, MissingName[]>
  unfinished: ReadonlyMap<string, UnfinishedExecution[]>
  /** Per called flow, per `callerKey\0via`, how the call breaks. */
  breaks: ReadonlyMap<string, ReadonlyMap<string, string[]>>
}

/**
 * The plan with each flow's review attached: missing names on the flows it creates or updates, executions
 * not finished on those it updates or deletes, contract breaks beside the callers its impact lists. The
 * fingerprint is left alone: what the server holds at run time is no part of the reviewed change. Pure.
 */
export function withReview(plan: Plan, review: ReviewInput): Plan {
  const resources = plan.resources.map((r) => {
    if (r.kind !== 'flow') return r
    const key = flowKey(r.namespace, r.id)
    const missing =
      r.action === 'create' || r.action === 'update' ? review.missing.get(key) : undefined
    const unfinished =
      r.action === 'update' || r.action === 'delete' ? review.unfinished.get(key) : undefined
    const breaks = review.breaks.get(key)
    let change: FlowChange = r
    if (missing?.length || unfinished?.length) {
      change = {
        ...change,
        review: { ...(missing?.length && { missing }), ...(unfinished?.length && { unfinished }) }
      }
    }
    if (breaks && change.impact) {
      const callers = change.impact.callers.map((c) => {
        const words = breaks.get(`${flowKey(c.namespace, c.id)}\0${c.via}`)
        return words ? { ...c, breaks: words } : c
      })
      change = { ...change, impact: { ...change.impact, callers } }
    }
    return change
  })
  return { ...plan, resources }
}
