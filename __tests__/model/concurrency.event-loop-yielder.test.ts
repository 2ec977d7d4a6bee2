import { describe, expect, it } from 'vitest'
import { EventLoopYielder, mapLimit, type LoopClock } from '../../src/model/concurrency.js'

/** A clock that moves only when work is done, and turns of the event loop the test hands out. */
function fakeLoop() {
  let time = 0
  const turns: (() => void)[] = []
  const clock: LoopClock = {
    now: () => time,
    nextTurn: () => new Promise<void>((resolve) => turns.push(resolve))
  }
  return {
    clock,
    work: (ms: number) => (time += ms),
    /** Gives one turn; false when nobody asked for one. */
    turn: () => {
      const waiting = turns.splice(0)
      waiting.forEach((resolve) => resolve())
      return waiting.length > 0
    },
    turnsAsked: () => turns.length
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('EventLoopYielder', () => {
  it('spends one budget per turn however many tasks yield their turn on it', async () => {
    const loop = fakeLoop()
    const yielder = new EventLoopYielder(2, loop.clock)
    const done: string[] = []
    const running = mapLimit(['a', 'b', 'c', 'd'], 4, async (task) => {
      for (let step = 0; step < 6; step++) {
        await yielder.yieldTurn()
        loop.work(1)
        done.push(task)
      }
    })
    const stepsPerTurn: number[] = []
    let before = 0
    do {
      await settle()
      stepsPerTurn.push(done.length - before)
      before = done.length
    } while (loop.turn())
    await running
    expect(done).toHaveLength(24)
    // 2 ms of budget and 1 ms steps: each turn runs the steps that fit, not a budget per task. (The
    // first steps, before any turn, pass their checks before any of them has worked.)
    expect(Math.max(...stepsPerTurn.slice(1))).toBe(2)
  })

  it('resumes the tasks that waited longest first, so none starves', async () => {
    const loop = fakeLoop()
    const yielder = new EventLoopYielder(2, loop.clock)
    const order: string[] = []
    const running = mapLimit(['busy', 'quiet'], 2, async (task) => {
      for (let step = 0; step < 4; step++) {
        await yielder.yieldTurn()
        loop.work(task === 'busy' ? 2 : 0.5)
        order.push(task)
      }
    })
    while (order.length < 8) {
      await settle()
      loop.turn()
    }
    await running
    // The quiet task is not held back until the busy one is done.
    expect(order.indexOf('quiet')).toBeLessThan(order.lastIndexOf('busy'))
    expect(order.filter((task) => task === 'quiet')).toHaveLength(4)
  })

  it('asks for no turn while the budget lasts', async () => {
    const loop = fakeLoop()
    const yielder = new EventLoopYielder(2, loop.clock)
    await yielder.yieldTurn()
    loop.work(1.5)
    await yielder.yieldTurn()
    expect(loop.turnsAsked()).toBe(0)
    loop.work(0.5)
    const waiting = yielder.yieldTurn()
    expect(loop.turnsAsked()).toBe(1)
    loop.turn()
    await waiting
  })
})
