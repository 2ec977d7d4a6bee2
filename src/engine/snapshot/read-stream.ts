import { EventLoopYielder } from '../../model/concurrency.js'
import type { RepoModel } from '../../model/repository.js'

/** A kind's resources in a repository loaded before: all at once, or none when its loading failed (said there). */
export async function* wholeOf(loading: Promise<RepoModel>, kind: string): AsyncIterable<unknown> {
  const model = await loading.catch(() => undefined)
  yield* (model?.byKind.get(kind) as readonly unknown[] | undefined) ?? []
}

/**
 * Items (a kind's resources) pushed as they are read, taken in order by one reader, until the end. The reader checks
 * each one it takes, synchronously: between two, server answers are let in (`EventLoopYielder`).
 */
export class ReadStream<T> implements AsyncIterable<T> {
  private readonly held: T[] = []
  private ended = false
  private wake?: () => void
  private readonly yielder = new EventLoopYielder()

  push(item: T): void {
    this.held.push(item)
    this.wake?.()
  }

  end(): void {
    this.ended = true
    this.wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      await this.yielder.yieldTurn()
      const item = this.held.shift()
      if (item !== undefined) yield item
      else if (this.ended) return
      else await new Promise<void>((resume) => (this.wake = resume))
    }
  }
}
