/** At most `limit` holders at a time; waiters are served in arrival order. */
export class Semaphore {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`)
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await task()
    } finally {
      this.release()
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>
): Promise<R[]> {
  const semaphore = new Semaphore(limit)
  return Promise.all(items.map((item) => semaphore.run(() => task(item))))
}

/** Time and turns of the event loop, injectable for tests. */
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
 * For long runs of synchronous work chained by promises: they never let the event loop reach I/O, so
 * server answers wait unread. `breathe()` yields to it once the thread has been busy for `everyMs`.
 * The budget is shared by every task that breathes here, and each turn of the loop wakes one waiting
 * task, oldest first: I/O is taken in every `everyMs` however many tasks run, and none starves.
 */
export class Breather {
  private last: number
  private readonly waiting: (() => void)[] = []
  private turnAsked = false

  constructor(
    private readonly everyMs = 2,
    private readonly clock: LoopClock = EVENT_LOOP
  ) {
    this.last = clock.now()
  }

  async breathe(): Promise<void> {
    while (this.clock.now() - this.last >= this.everyMs) {
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
