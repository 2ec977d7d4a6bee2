import { createRequire } from 'node:module'
import {
  isMainThread,
  MessageChannel,
  MessagePort,
  parentPort,
  Worker,
  workerData,
  type TransferListItem
} from 'node:worker_threads'

/**
 * Key of the `workerData` flag by which a thread tells the worker it starts that it runs helper
 * sources for it (see serveEvaluation), and of the messages that hand it one.
 */
export const EVAL_HOST = 'kestra-gitops-eval-host'

/** The thread hosting this one, when it offered to run helpers; a test may pass its own. */
export interface EvalHost {
  postMessage(message: unknown, transfer: TransferListItem[]): void
}

/** Where a helper runs: its messages, whether it keeps this thread alive, and how to stop it. */
interface Helper extends EvalHost {
  ref(): void
  unref(): void
  close(): void
}

function hostOfThisThread(): EvalHost | undefined {
  const offered = (workerData as Record<string, unknown> | null)?.[EVAL_HOST] === true
  return !isMainThread && offered && parentPort ? parentPort : undefined
}

/**
 * A helper running `source` (CommonJS text that talks through a `port` variable, so that no extra
 * file has to ship next to the bundle) that answers each message with one message, in order. It runs
 * on the thread that started this one when that thread offers (the action's main thread, idle while
 * the action runs on a worker: no extra V8 heap), else on a worker thread of its own. It keeps this
 * thread alive only while an answer is due.
 */
export class EvalWorker<Request, Answer> {
  private helper: Helper | undefined
  private readonly pending: { settle(answer: Answer): void; fail(error: Error): void }[] = []

  /** `stopped`: the error given to the requests a helper that stops leaves unanswered. */
  constructor(
    source: string,
    private readonly stopped: string,
    host: EvalHost | undefined = hostOfThisThread()
  ) {
    const answer = (value: unknown) => {
      const request = this.pending.shift()
      if (this.pending.length === 0) this.helper?.unref()
      request?.settle(value as Answer)
    }
    try {
      this.helper = host
        ? onHost(host, source, answer, () => this.stop())
        : onThread(source, answer, () => this.stop())
    } catch {
      this.helper = undefined
    }
  }

  /** False once the helper failed or was closed. */
  get running(): boolean {
    return this.helper !== undefined
  }

  /**
   * The answer; undefined when there is no helper or it cannot take the message (then nothing was
   * transferred). What it took and left unanswered when it stops is rejected. While answers are
   * due, the helper keeps this thread alive: a thread with nothing else to wait for would end.
   */
  request(message: Request, transfer: TransferListItem[] = []): Promise<Answer> | undefined {
    if (!this.helper) return undefined
    try {
      this.helper.postMessage(message, transfer)
    } catch {
      return undefined // e.g. a buffer of Node's shared pool, which cannot move
    }
    if (this.pending.length === 0) this.helper.ref()
    return new Promise((settle, fail) => this.pending.push({ settle, fail }))
  }

  close(): void {
    const helper = this.helper
    this.helper = undefined
    helper?.close()
  }

  private stop(): void {
    this.helper = undefined
    for (const { fail } of this.pending.splice(0)) fail(new Error(this.stopped))
  }
}

function onThread(source: string, answer: (value: unknown) => void, stop: () => void): Helper {
  const worker = new Worker(`const port = require('node:worker_threads').parentPort\n${source}`, {
    eval: true
  })
  worker.on('message', answer)
  worker.on('error', stop)
  worker.on('exit', stop)
  worker.unref() // after the listeners: a 'message' listener refs the worker again
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    close: () => void worker.terminate()
  }
}

function onHost(
  host: EvalHost,
  source: string,
  answer: (value: unknown) => void,
  stop: () => void
): Helper {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', answer)
  port1.on('close', stop)
  port1.unref()
  host.postMessage({ [EVAL_HOST]: source, port: port2 }, [port2])
  return {
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    ref: () => port1.ref(),
    unref: () => port1.unref(),
    close: () => port1.close()
  }
}

const require = createRequire(import.meta.url)

/**
 * The host's side: runs a helper source a worker sent, answering through the port that came with it.
 * A helper that throws is closed (its worker then does the work itself); this thread carries on.
 * False for any other message.
 */
export function serveEvaluation(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false
  const { [EVAL_HOST]: source, port } = message as Record<string, unknown>
  if (typeof source !== 'string' || !(port instanceof MessagePort)) return false
  const guarded = {
    on: (event: 'message', listener: (value: unknown) => void) =>
      port.on(event, (value) => {
        try {
          listener(value)
        } catch {
          port.close()
        }
      }),
    postMessage: (value: unknown, transfer?: TransferListItem[]) =>
      port.postMessage(value, transfer)
  }
  try {
    new Function('require', 'port', source)(require, guarded)
  } catch {
    port.close()
  }
  return true
}
