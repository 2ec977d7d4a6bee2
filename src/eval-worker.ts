import { Worker, type TransferListItem } from 'node:worker_threads'

/**
 * A worker thread running `source` (CommonJS text, so that no extra file has to ship next to the
 * bundle) that answers each message with one message, in order. It never keeps the process alive.
 */
export class EvalWorker<Request, Answer> {
  private worker: Worker | undefined
  private readonly pending: { settle(answer: Answer): void; fail(error: Error): void }[] = []

  /** `stopped`: the error given to the requests a worker that stops leaves unanswered. */
  constructor(
    source: string,
    private readonly stopped: string
  ) {
    try {
      const worker = new Worker(source, { eval: true })
      worker.unref()
      worker.on('message', (answer: Answer) => this.pending.shift()?.settle(answer))
      worker.on('error', () => this.stop())
      worker.on('exit', () => this.stop())
      this.worker = worker
    } catch {
      this.worker = undefined
    }
  }

  /** False once the worker failed or was closed. */
  get running(): boolean {
    return this.worker !== undefined
  }

  /**
   * The answer; undefined when there is no worker or it cannot take the message (then nothing was
   * transferred). What it took and left unanswered when it stops is rejected.
   */
  request(message: Request, transfer: TransferListItem[] = []): Promise<Answer> | undefined {
    if (!this.worker) return undefined
    try {
      this.worker.postMessage(message, transfer)
    } catch {
      return undefined // e.g. a buffer of Node's shared pool, which cannot move
    }
    return new Promise((settle, fail) => this.pending.push({ settle, fail }))
  }

  close(): void {
    const worker = this.worker
    this.worker = undefined
    void worker?.terminate()
  }

  private stop(): void {
    this.worker = undefined
    for (const { fail } of this.pending.splice(0)) fail(new Error(this.stopped))
  }
}
