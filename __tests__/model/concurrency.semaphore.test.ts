/**
 * The shared concurrency limit: whatever the limit and however the tasks end, never more than `limit` run at
 * once, they start in arrival order (those run `first` ahead of the others waiting), every result and
 * failure reaches its caller, and a failure frees its place.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Semaphore } from '../../src/model/concurrency.js'

describe('Semaphore', () => {
  it('holds the limit, the arrival order and each outcome over any schedule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ fails: fc.boolean(), turns: fc.nat(4), first: fc.boolean() }), {
          maxLength: 20
        }),
        async (limit, tasks) => {
          const semaphore = new Semaphore(limit)
          let running = 0
          let most = 0
          const started: number[] = []
          const outcomes = await Promise.allSettled(
            tasks.map(({ fails, turns, first }, index) =>
              semaphore.run(async () => {
                started.push(index)
                most = Math.max(most, ++running)
                for (let turn = 0; turn < turns; turn++) await Promise.resolve()
                running--
                if (fails) throw new Error(`task ${index}`)
                return index
              }, first)
            )
          )
          expect(most).toBeLessThanOrEqual(limit)
          // All are queued at once: the first `limit` start, then the waiting ones run first, then the rest.
          const indexes = tasks.map((_, index) => index)
          const waiting = indexes.slice(limit)
          expect(started).toEqual([
            ...indexes.slice(0, limit),
            ...waiting.filter((index) => tasks[index]!.first),
            ...waiting.filter((index) => !tasks[index]!.first)
          ])
          expect(outcomes).toEqual(
            tasks.map(({ fails }, index) =>
              fails
                ? { status: 'rejected', reason: new Error(`task ${index}`) }
                : { status: 'fulfilled', value: index }
            )
          )
        }
      )
    )
  })

  it.each([0, -1, Number.NaN])('refuses the limit %d', (limit) => {
    expect(() => new Semaphore(limit)).toThrow(RangeError)
  })
})
