import { Worker } from 'node:worker_threads'
import type { RemoteFile } from '../kestra/api.js'
import { serverFile, summaryOf } from '../plan/content.js'
import type { ServerFile } from '../plan/input.js'
import type { FileContentSummary } from '../plan/types.js'

/** Below this many bytes a namespace's files are summarised here: posting them costs about as much. */
const WORKER_MIN_BYTES = 256 * 1024

interface Item {
  /** Index in the transferred buffers. */
  buffer: number
  offset: number
  length: number
  /** The repository's hashes for this path: the bytes come back only when they may show in a diff. */
  local: string[]
}

interface Answer {
  summary: FileContentSummary
  bytes?: Uint8Array
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const tools = { createHash: require('node:crypto').createHash, isUtf8: require('node:buffer').isUtf8 }
const summaryOf = ${summaryOf.toString()}
parentPort.on('message', ({ buffers, items }) => {
  const answers = []
  const transfer = []
  for (const item of items) {
    const bytes = new Uint8Array(buffers[item.buffer], item.offset, item.length)
    const summary = summaryOf(bytes, tools)
    const same = item.local.length === 1 && item.local[0] === summary.sha256
    const kept = same ? undefined : bytes.slice()
    if (kept) transfer.push(kept.buffer)
    answers.push({ summary, bytes: kept })
  }
  parentPort.postMessage(answers, transfer)
})
`

/**
 * Summarises the server's namespace files on a worker thread: hashing tens of megabytes of exports
 * is work another core can take while this one checks flows. The answers' buffers are handed over,
 * not copied; anything the worker cannot take is summarised here.
 */
export class ServerFileSummaries {
  private worker: Worker | undefined
  private started = false
  private readonly pending: { settle(answers: Answer[]): void; fail(error: Error): void }[] = []

  /** The files as the plan keeps them: bytes only where `local` (the repository's hashes) differ. */
  async summarise(
    files: RemoteFile[],
    local: (path: string) => ReadonlySet<string> | undefined
  ): Promise<ServerFile[]> {
    const items: Item[] = []
    const buffers: ArrayBuffer[] = []
    const index = new Map<ArrayBufferLike, number>()
    let total = 0
    for (const { path, bytes } of files) {
      let at = index.get(bytes.buffer)
      if (at === undefined) {
        at = buffers.push(bytes.buffer as ArrayBuffer) - 1
        index.set(bytes.buffer, at)
      }
      items.push({
        buffer: at,
        offset: bytes.byteOffset,
        length: bytes.length,
        local: [...(local(path) ?? [])]
      })
      total += bytes.length
    }
    const posted = total >= WORKER_MIN_BYTES ? this.post(buffers, items) : undefined
    if (!posted) {
      return files.map(({ path, bytes }) => serverFile(path, bytes, keepUnlessSame(local(path))))
    }
    const answers = await posted
    return files.map(({ path }, i) => {
      const { summary, bytes } = answers[i]!
      return bytes ? { path, summary, bytes } : { path, summary }
    })
  }

  close(): void {
    const worker = this.worker
    this.worker = undefined
    void worker?.terminate()
  }

  /**
   * The worker's answers; undefined when it cannot take these buffers, which then stay usable here.
   * Once taken they are gone from this thread: a worker that dies fails the read.
   */
  private post(buffers: ArrayBuffer[], items: Item[]): Promise<Answer[]> | undefined {
    const worker = this.ensureWorker()
    if (!worker) return undefined
    try {
      worker.postMessage({ buffers, items }, buffers)
    } catch {
      return undefined // e.g. a buffer of Node's shared pool, which cannot move
    }
    return new Promise((settle, fail) => this.pending.push({ settle, fail }))
  }

  private ensureWorker(): Worker | undefined {
    if (this.started) return this.worker
    this.started = true
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true })
      worker.unref()
      worker.on('message', (answers: Answer[]) => this.pending.shift()?.settle(answers))
      worker.on('error', () => this.fail())
      worker.on('exit', () => this.fail())
      this.worker = worker
    } catch {
      this.worker = undefined
    }
    return this.worker
  }

  private fail(): void {
    this.worker = undefined
    for (const { fail } of this.pending.splice(0)) {
      fail(new Error('the thread summarising the server files stopped; run the action again'))
    }
  }
}

/** The keep rule of the plan: a file's bytes stay unless the repository holds exactly these. */
export function keepUnlessSame(
  local: ReadonlySet<string> | undefined
): (summary: FileContentSummary) => boolean {
  return ({ sha256 }) => !(local?.size === 1 && local.has(sha256))
}
