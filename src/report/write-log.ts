import { isWrite, resourceName, type Plan } from '../model/plan.js'
import { outcomeCounts, type ResourceResult } from '../model/result.js'
import type { Reporter } from './reporter.js'

/**
 * The deploy's log (docs/modes.md#the-log): each namespace's writes in one group, logged when its last
 * write has a result, then the namespace's tally as one line outside the group. Writes of several
 * namespaces run at once: lines wait for their namespace, so no group interleaves with another.
 */
export function writeLog(plan: Plan, reporter: Reporter): (result: ResourceResult) => void {
  const pending = new Map<string, number>()
  for (const change of plan.resources.filter(isWrite)) {
    pending.set(change.namespace, (pending.get(change.namespace) ?? 0) + 1)
  }
  const total = [...pending.values()].reduce((sum, n) => sum + n, 0)
  const results = new Map<string, ResourceResult[]>()
  let done = 0
  return (result) => {
    const { namespace } = result.change
    const own = results.get(namespace) ?? []
    own.push(result)
    results.set(namespace, own)
    done++
    reporter.progress(done < total ? `Writing to Kestra: ${done} of ${total}` : '')
    if (own.length < (pending.get(namespace) ?? 0)) return
    reporter.group(`Writes to ${namespace}`)
    for (const r of own) reporter.info(describe(r))
    reporter.endGroup(`${namespace}: ${outcomeCounts(own).join(', ')}`)
    results.delete(namespace)
  }
}

function describe({ change, result, revision, message }: ResourceResult): string {
  const rev = revision === undefined ? '' : ` (revision ${revision})`
  const why = message === undefined ? '' : `: ${message}`
  return `${change.kind} ${resourceName(change)}: ${result}${rev}${why}`
}
