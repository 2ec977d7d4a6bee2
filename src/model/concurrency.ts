/**
 * At most `limit` tasks at a time, in arrival order, but a task run `first` goes ahead of those waiting: what
 * the others wait on (docs/performance.md#incremental-planning). p-limit has no such lane (docs/dependencies.md).
 */
export class Semaphore {
  private running = 0
  private readonly urgent: (() => void)[] = []
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`)
  }

  async run<T>(task: () => Promise<T>, first = false): Promise<T> {
    if (this.running < this.limit) this.running++
    else await new Promise<void>((start) => (first ? this.urgent : this.waiting).push(start))
    try {
      return await task()
    } finally {
      // The place passes to the next task waiting, or is given back.
      const next = this.urgent.shift() ?? this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>
): Promise<R[]> {
  const semaphore = new Semaphore(limit)
  return Promise.all(items.map((item) => semaphore.run(() => task(item))))
}

export interface LoopClock {
  now(): number
  /** Settles on a later turn of the event loop, after pending I/O has been taken in. */
  nextTurn(): Promise<void>
}

const EVENT_LOOP: LoopClock = {
  now: () => performance.now(),
  nextTurn: () => new Promise((resolve) => setImmediate(resolve))
}

/**
 * Long synchronous work chained by promises never lets the event loop reach I/O: `yieldTurn()` yields once the
 * thread has been busy `everyMs`, the budget shared, each turn waking the oldest waiting task, so none starves.
 */
export class EventLoopYielder {
  private last: number
  private readonly waiting: (() => void)[] = []
  private turnAsked = false

  constructor(
    private readonly everyMs = 2,
    private readonly clock: LoopClock = EVENT_LOOP
  ) {
    this.last = clock.now()
  }

  /** Whether `yieldTurn()` would yield now: a loop of quick steps awaits it only then. */
  due(): boolean {
    return this.clock.now() - this.last >= this.everyMs
  }

  async yieldTurn(): Promise<void> {
    while (this.due()) {
      await new Promise<void>((resume) => {
        this.waiting.push(resume)
        this.askTurn()
      })
    }
  }

  private askTurn(): void {
    if (this.turnAsked) return
    this.turnAsked = true
    void this.clock.nextTurn().then(() => {
      this.turnAsked = false
      this.last = this.clock.now()
      this.waiting.shift()?.()
      if (this.waiting.length > 0) this.askTurn()
    })
  }
}
