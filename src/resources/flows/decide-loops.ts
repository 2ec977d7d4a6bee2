import type { Finding } from '../../model/finding.js'
import type { Plan } from '../../model/plan.js'
import { atLeast, type KestraVersion } from '../../model/version.js'
import { keyOf, type CallEdge } from './decide-impact.js'
import { V2 } from './decide-kestra2-removals.js'

/**
 * The execution loops a deploy would close (docs/caught-at-review.md#execution-loops): flows that start each other
 * without end through calls and Flow triggers no condition holds back. Kestra 2.0 refuses to save a flow on such a
 * loop (engine 2.0.0: `FlowService.checkCyclicDependency`, on create, update and validate; 1.3 has no such check),
 * judging it against the flows it holds, so its validation misses a loop that two flows of one plan close together.
 * Each flow the plan writes on a loop of the flows as the deploy leaves them gets an error on a 2.0 server, a warning on
 * an older or unknown one, unless the server's validation already refused it for a loop (`said`).
 */
export function executionLoopFindings(
  calls: readonly CallEdge[],
  plan: Plan,
  version: KestraVersion | undefined,
  said: readonly Finding[]
): Finding[] {
  const flows = plan.resources.filter((r) => r.kind === 'flow')
  const deleted = new Set(flows.filter((f) => f.action === 'delete').map(keyOf))
  const written = new Set(
    flows.filter((f) => f.action === 'create' || f.action === 'update').map(keyOf)
  )
  const names = new Map<string, string>()
  const next = new Map<string, Set<string>>()
  const edges = calls
    .filter((call) => call.unconditional && !deleted.has(keyOf(call.caller)))
    .map((call) => {
      const caller = keyOf(call.caller)
      const named = keyOf(call)
      names.set(caller, `${call.caller.namespace}.${call.caller.id}`)
      names.set(named, `${call.namespace}.${call.id}`)
      // A call runs its flow after the caller; a Flow trigger runs the caller after the flow it names.
      const [from, to] = call.via === 'flow-trigger' ? [named, caller] : [caller, named]
      next.set(from, (next.get(from) ?? new Set()).add(to))
      return { call, caller, from, to }
    })
  const refused = version !== undefined && atLeast(version, V2)
  const answered = new Set(said.filter((f) => f.rule === EXECUTION_LOOP).map((f) => f.file))
  const findings: Finding[] = []
  for (const flow of [...written].sort()) {
    const own = edges
      .filter(
        (edge) => edge.caller === flow && edge.call.file !== '' && !answered.has(edge.call.file)
      )
      .sort((a, b) => a.call.line - b.call.line || a.call.column - b.call.column)
    for (const { call, from, to } of own) {
      // The loop through this edge: on from where it leads back to where it starts.
      const back = shortestPath(next, to, from)
      if (!back) continue
      const loop = from === to ? [from] : [from, to, ...back.slice(0, -1)]
      const start = loop.indexOf(flow)
      const path = [...loop.slice(start), ...loop.slice(0, start), flow]
      findings.push({
        severity: refused ? 'error' : 'warning',
        file: call.file,
        line: call.line,
        column: call.column,
        rule: EXECUTION_LOOP,
        message: executionLoopMessage(path.map((key) => names.get(key)!))
      })
      break
    }
  }
  return findings
}

export const EXECUTION_LOOP = 'execution-loop'

/** What is said of a loop, its flows named `namespace.id` from the one reported back to it, as Kestra names them. */
export function executionLoopMessage(path: readonly string[]): string {
  return `${path.join(' → ')} is an execution loop: each run of these flows starts the next, without end, and Kestra 2.0 refuses to save a flow on it ("Cyclic flow dependency detected"). Make one of its calls or Flow triggers conditional (\`runIf\`, \`when\`) or remove it`
}

/** The nodes after `from` on a shortest path to `to`, `to` last (none when they are one); undefined: no path. */
function shortestPath(
  next: ReadonlyMap<string, ReadonlySet<string>>,
  from: string,
  to: string
): string[] | undefined {
  const before = new Map<string, string>([[from, from]])
  const queue = [from]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!
    if (node === to) {
      const path: string[] = []
      for (let at = to; at !== from; at = before.get(at)!) path.unshift(at)
      return path
    }
    for (const after of next.get(node) ?? []) {
      if (before.has(after)) continue
      before.set(after, node)
      queue.push(after)
    }
  }
  return undefined
}
