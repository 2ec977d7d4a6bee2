import { describe, expect, it } from 'vitest'
import { orderWrites, type WriteDependency } from '../../../src/engine/apply/order.js'
import { flowKey } from '../../../src/model/targets.js'
import type { FlowChange } from '../../../src/model/plan.js'

function flow(id: string, namespace = 'team'): FlowChange {
  return { kind: 'flow', namespace, id, action: 'create', drifted: false, desired: `id: ${id}` }
}
const key = (id: string, namespace = 'team') => `flow:${namespace}/${id}`
const ids = (waves: FlowChange[][]) => waves.map((wave) => wave.map((f) => f.id))
const orderFlowWrites = (changes: FlowChange[], refs: WriteDependency[]) =>
  orderWrites(changes, refs, (change) => flowKey(change.namespace, change.id))

describe('orderFlowWrites', () => {
  it('writes subflows before their callers: a calls b calls c', () => {
    const order = orderFlowWrites(
      [flow('a'), flow('b'), flow('c')],
      [
        { from: key('a'), to: key('b') },
        { from: key('b'), to: key('c') }
      ]
    )
    expect(ids(order.waves)).toEqual([['c'], ['b'], ['a']])
    expect(order.cycles).toEqual([])
  })

  it('puts independent flows in one wave, sorted by namespace and id', () => {
    const order = orderFlowWrites([flow('z'), flow('b', 'alpha'), flow('a')], [])
    expect(ids(order.waves)).toEqual([['b', 'a', 'z']])
  })

  it('ignores references to flows that are not written and self-references', () => {
    const order = orderFlowWrites(
      [flow('a'), flow('b')],
      [
        { from: key('a'), to: key('unchanged') },
        { from: key('b'), to: key('b') }
      ]
    )
    expect(ids(order.waves)).toEqual([['a', 'b']])
    expect(order.cycles).toEqual([])
  })

  it('reports a cycle and breaks it in key order', () => {
    const order = orderFlowWrites(
      [flow('c'), flow('b'), flow('a'), flow('d')],
      [
        { from: key('a'), to: key('b') },
        { from: key('b'), to: key('c') },
        { from: key('c'), to: key('a') },
        { from: key('d'), to: key('c') }
      ]
    )
    expect(order.cycles).toEqual([[key('a'), key('b'), key('c')]])
    // Inside the cycle only calls to members earlier in key order count: c waits for a, a and b go first.
    expect(ids(order.waves)).toEqual([['a', 'b'], ['c'], ['d']])
  })

  it('orders a long chain without exhausting the stack', () => {
    const n = 20_000
    const flows = Array.from({ length: n }, (_, i) => flow(`f${String(i).padStart(5, '0')}`))
    const refs = flows.slice(1).map((f, i) => ({ from: key(f.id), to: key(flows[i].id) }))
    const order = orderFlowWrites(flows, refs)
    expect(order.waves).toHaveLength(n)
    expect(order.waves[n - 1][0].id).toBe(flows[n - 1].id)
  })
})
