import { Worker } from 'node:worker_threads'
import type { FlowFile } from './model/repository.js'
import type { ChecksAsked, CheckThread } from './run/ports.js'

/** A file waits at most behind these on the thread: the main thread checks the rest, so neither waits long. */
const MAX_WAITING = 8

type FlowCheck = NonNullable<Awaited<ReturnType<CheckThread['check']>>>
type Answer = 'ready' | { id: number; check?: FlowCheck }

/**
 * Flow files checked on a worker thread (docs/performance.md#a-second-thread): the bundle's check-worker.js
 * runs the run's `flowCheck` on its own parse of each file's text. It is started by the first file offered,
 * takes files once it has loaded, and a thread that fails answers undefined for what it held.
 */
export class FlowCheckThread implements CheckThread {
  #worker: Worker | undefined
  #ready = false
  #next = 0
  readonly #waiting = new Map<number, (check: FlowCheck | undefined) => void>()

  constructor(readonly url: URL) {}

  check(flow: FlowFile, asked: ChecksAsked): Promise<FlowCheck | undefined> | undefined {
    const worker = (this.#worker ??= this.#start())
    if (!this.#ready || this.#waiting.size >= MAX_WAITING) return undefined
    if (this.#waiting.size === 0) worker.ref()
    const id = this.#next++
    const { file, rel, raw, expectedNamespace } = flow
    worker.postMessage({ id, flow: { file, rel, raw, expectedNamespace }, asked })
    return new Promise((resolve) => this.#waiting.set(id, resolve))
  }

  async close(): Promise<void> {
    const worker = this.#worker
    this.#ready = false
    await worker?.terminate()
  }

  #start(): Worker {
    const worker = new Worker(this.url)
    // Idle, it keeps no run alive; one that waits on it keeps it referenced.
    worker.unref()
    worker.on('message', (answer: Answer) => {
      if (answer === 'ready') this.#ready = true
      else this.#answer(answer.id, answer.check)
    })
    const stop = () => {
      this.#ready = false
      for (const id of [...this.#waiting.keys()]) this.#answer(id, undefined)
    }
    worker.on('error', stop).on('exit', stop)
    return worker
  }

  #answer(id: number, check: FlowCheck | undefined): void {
    this.#waiting.get(id)?.(check)
    this.#waiting.delete(id)
    if (this.#waiting.size === 0) this.#worker?.unref()
  }
}
