import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ClosableTree } from '../../../src/adapters/git/tree-source.js'
import { asBaseTree, shareTree, type SharedTree } from '../../../src/engine/snapshot/shared-tree.js'

function fakeTree(log: string[]): ClosableTree {
  const fail = () => Promise.reject(new Error('not read here'))
  return {
    workspace: '/w',
    rootRel: '',
    hasRoot: async () => true,
    list: fail,
    kind: async () => undefined,
    read: fail,
    summarise: fail,
    blob: fail,
    resolveLink: fail,
    bytesPath: () => '',
    versioned: async () => true,
    close: async () => {
      log.push('close')
    }
  }
}

describe('a tree lent to several readers', () => {
  it('is closed each time its last reader releases it, never while one still holds it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.nat(5)), { maxLength: 30 }),
        async (steps) => {
          const log: string[] = []
          const borrow = shareTree(Promise.resolve(fakeTree(log)))
          const held: SharedTree<ClosableTree>[] = []
          let expectedCloses = 0
          for (const [opening, pick] of steps) {
            if (opening || held.length === 0) {
              held.push((await borrow())!)
            } else {
              const [one] = held.splice(pick % held.length, 1)
              await one!.release()
              await one!.release() // a second release changes nothing
              if (held.length === 0) expectedCloses++
            }
            expect(log.length).toBe(expectedCloses)
          }
        }
      )
    )
  })

  it('lends nothing when the opening found no tree, and a base view releases on close and says what it holds', async () => {
    expect(await shareTree(Promise.resolve(undefined))()).toBeUndefined()
    const log: string[] = []
    const borrow = shareTree(Promise.resolve(fakeTree(log)))
    const first = asBaseTree((await borrow())!, (namespace) => namespace === 'company.team')
    const second = (await borrow())!
    expect(await first.kind('x')).toBeUndefined()
    expect([first.holds('company.team'), first.holds('company.ops')]).toEqual([true, false])
    // A key the tree's prototype has is the tree's.
    expect(typeof first.toString).toBe('function')
    await first.close()
    expect(log).toEqual([])
    await second.release()
    expect(log).toEqual(['close'])
  })
})
