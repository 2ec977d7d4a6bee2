import { compareCodeUnits } from '../../model/content.js'

/**
 * Flow `from` needs `to` on the server: a flow it calls or is triggered by (`flow:<ns>/<id>`, written
 * first), or a namespace file it reads (`file:<ns>:<path>`: when not uploaded, `from` is not written).
 */
export interface WriteDependency {
  from: string
  to: string
}

interface FlowWriteOrder<F> {
  /** Topological levels: every flow a wave's flow depends on is in an earlier wave. Sorted by key inside. */
  waves: F[][]
  /** Flows that depend on each other in a cycle, sorted keys per cycle. */
  cycles: string[][]
  /** Each flow's dependencies once cycles are broken. */
  prerequisites: Map<F, F[]>
}

/**
 * Orders writes by their keys (`keyOf`) so that subflows come before the flows that call them; those without
 * dependencies form one wave. A cycle is broken deterministically: inside it, only calls to members earlier in
 * key order are kept.
 */
export function orderWrites<F>(
  changes: F[],
  refs: WriteDependency[],
  keyOf: (change: F) => string
): FlowWriteOrder<F> {
  const byKey = new Map(changes.map((change) => [keyOf(change), change]))
  const keys = [...byKey.keys()].sort(compareCodeUnits)

  const deps = new Map<string, Set<string>>(keys.map((k) => [k, new Set()]))
  for (const { from, to } of refs) {
    if (from !== to && byKey.has(from) && byKey.has(to)) deps.get(from)!.add(to)
  }

  const components = stronglyConnected(keys, deps)
  const cycles: string[][] = []
  const rank = new Map<string, number>()
  for (const component of components) {
    if (component.length < 2) continue
    const sorted = [...component].sort(compareCodeUnits)
    cycles.push(sorted)
    sorted.forEach((key, index) => rank.set(key, index))
  }
  const componentOf = new Map(components.flatMap((component, i) => component.map((k) => [k, i])))

  // Inside a cycle keep only the edges that point to a member earlier in key order: the graph becomes acyclic.
  for (const [from, tos] of deps) {
    for (const to of tos) {
      if (componentOf.get(from) === componentOf.get(to) && rank.get(to)! > rank.get(from)!) {
        tos.delete(to)
      }
    }
  }

  // Tarjan emits a component after every component it depends on; members of a cycle go in key order.
  const level = new Map<string, number>()
  for (const component of components) {
    for (const key of [...component].sort(compareCodeUnits)) {
      let value = 0
      for (const dep of deps.get(key)!) value = Math.max(value, level.get(dep)! + 1)
      level.set(key, value)
    }
  }
  const waves: F[][] = []
  for (const key of keys) {
    const index = level.get(key)!
    while (waves.length <= index) waves.push([])
    waves[index].push(byKey.get(key)!)
  }
  cycles.sort((a, b) => compareCodeUnits(a[0], b[0]))
  const prerequisites = new Map(
    keys.map((key) => [
      byKey.get(key)!,
      [...deps.get(key)!].sort(compareCodeUnits).map((k) => byKey.get(k)!)
    ])
  )
  return { waves, cycles, prerequisites }
}

/** Tarjan's algorithm, iterative so that long subflow chains cannot overflow the stack. */
function stronglyConnected(keys: string[], deps: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const result: string[][] = []
  let counter = 0

  for (const root of keys) {
    if (index.has(root)) continue
    const work: { key: string; next: Iterator<string> }[] = []
    const visit = (key: string) => {
      index.set(key, counter)
      low.set(key, counter)
      counter++
      stack.push(key)
      onStack.add(key)
      work.push({ key, next: [...deps.get(key)!].sort(compareCodeUnits)[Symbol.iterator]() })
    }
    visit(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const step = frame.next.next()
      if (!step.done) {
        const dep = step.value
        if (!index.has(dep)) visit(dep)
        else if (onStack.has(dep))
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(dep)!))
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!))
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.key)
        result.push(component)
      }
    }
  }
  return result
}
