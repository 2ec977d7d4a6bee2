import { EventLoopYielder } from '../../model/concurrency.js'
import type { FlowFile, RepoModel } from '../../model/repository.js'
import type { WalkParts } from './repo/load.js'
import { walkedOf } from './repo/walked.js'

/** The flows of a repository loaded before: all at once, or none when its loading failed (said there). */
export async function* wholeFlows(
  loading: Promise<RepoModel>,
  walk: WalkParts
): AsyncIterable<FlowFile> {
  const model = await loading.catch(() => undefined)
  if (model) yield* walkedOf(model, walk).flows
}

/**
 * Items (the flows) pushed as they are read, taken in order by one reader, until the end. The reader checks each one it
 * takes, synchronously: between two, server answers are let in (`EventLoopYielder`).
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
