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

/**
 * For long runs of synchronous work chained by promises: they never let the event loop reach I/O, so
 * server answers wait unread. `breathe()` yields to it once the thread has been busy for `everyMs`.
 */
export class Breather {
  private last = performance.now()

  constructor(private readonly everyMs = 2) {}

  async breathe(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return
    await new Promise((resolve) => setImmediate(resolve))
    this.last = performance.now()
  }
}
