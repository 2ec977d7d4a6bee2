import type { Node } from 'yaml'
import type { FlowDocument } from './decide-document.js'

/** What a `dependsOn` list (a Dag's tasks, a flow's inputs) names that does not exist, and its first cycle. */

/** A Dag task or an input, and the YAML nodes naming what it depends on. */
interface Dependent {
  id?: string
  dependsOn: unknown
}

/** Unknown names and the first cycle (deterministic). */
export function dependencyProblems(document: FlowDocument, members: Dependent[]) {
  const ids = new Set(members.map((m) => m.id).filter((id) => id !== undefined))
  const graph = new Map<string, string[]>()
  const unknown: { node: Node; name: string; member: number }[] = []
  for (const [index, member] of members.entries()) {
    const deps: string[] = []
    for (const node of document.items(member.dependsOn)) {
      const name = document.string(node)
      if (name === undefined) continue
      deps.push(name)
      if (!ids.has(name)) unknown.push({ node, name, member: index })
    }
    if (member.id !== undefined) graph.set(member.id, deps)
  }
  return { unknown, cycle: findCycle(graph) }
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>()
  const path: string[] = []
  const onPath = new Set<string>()
  const visit = (node: string): string[] | undefined => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node]
    if (done.has(node) || !graph.has(node)) return undefined
    onPath.add(node)
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    onPath.delete(node)
    done.add(node)
    return undefined
  }
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}
