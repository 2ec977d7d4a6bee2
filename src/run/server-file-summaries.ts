import { EvalWorker } from '../eval-worker.js'
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

type Helper = EvalWorker<{ buffers: ArrayBuffer[]; items: Item[] }, Answer[]>

export const WORKER_SOURCE = `
const tools = { createHash: require('node:crypto').createHash, isUtf8: require('node:buffer').isUtf8 }
const summaryOf = ${summaryOf.toString()}
port.on('message', ({ buffers, items }) => {
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
  port.postMessage(answers, transfer)
})
`

/**
 * Summarises the server's namespace files on another thread (see EvalWorker): hashing tens of
 * megabytes of exports is work another core can take while this one checks flows. The answers'
 * buffers are handed over, not copied; anything that thread cannot take is summarised here. The
 * helper starts with the first answer large enough for it.
 */
export class ServerFileSummaries {
  private worker: Helper | undefined

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
    // Once taken, the buffers are gone from this thread: a helper that stops fails the read.
    const posted =
      total >= WORKER_MIN_BYTES ? this.started().request({ buffers, items }, buffers) : undefined
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
    this.worker?.close()
  }

  private started(): Helper {
    this.worker ??= new EvalWorker(
      WORKER_SOURCE,
      'the thread summarising the server files stopped; run the action again'
    )
    return this.worker
  }
}

/** The keep rule of the plan: a file's bytes stay unless the repository holds exactly these. */
export function keepUnlessSame(
  local: ReadonlySet<string> | undefined
): (summary: FileContentSummary) => boolean {
  return ({ sha256 }) => !(local?.size === 1 && local.has(sha256))
}
