import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { EvalWorker } from '../eval-worker.js'
import type { ContentSummary } from './namespace-files.js'

/** Files up to this size are read in one go; larger ones are hashed as a stream. */
export const WHOLE_READ_LIMIT = 4 * 1024 * 1024
/** Where a NUL byte marks a file as binary (git's heuristic looks at the same span). */
export const BINARY_SNIFF_BYTES = 8192

interface Tools {
  fs: Pick<typeof fs, 'openSync' | 'fstatSync' | 'readSync' | 'closeSync'>
  createHash: typeof createHash
  isUtf8: typeof isUtf8
  buffer: Buffer
  limits: { whole: number; sniff: number }
}

/** A summary, `'large'` for a file to stream, or the message of a read error. */
export type SmallSummary = ContentSummary | 'large' | { error: string }

/**
 * Size, SHA-256 and binary flag of a file read whole into `tools.buffer`. Self-contained (everything
 * comes through `tools`): the helper thread below runs this very function from its source text.
 */
export function summariseSmallFile(path: string, tools: Tools): SmallSummary {
  let fd: number | undefined
  try {
    fd = tools.fs.openSync(path, 'r')
    const { size } = tools.fs.fstatSync(fd)
    if (size > tools.limits.whole) return 'large'
    let length = 0
    while (length < size) {
      const read = tools.fs.readSync(fd, tools.buffer, length, size - length, null)
      if (read === 0) break
      length += read
    }
    const bytes = tools.buffer.subarray(0, length)
    return {
      size: length,
      sha256: tools.createHash('sha256').update(bytes).digest('hex'),
      binary: bytes.subarray(0, tools.limits.sniff).includes(0) || !tools.isUtf8(bytes)
    }
  } catch (error) {
    return { error: (error as Error).message }
  } finally {
    if (fd !== undefined) tools.fs.closeSync(fd)
  }
}

/** One buffer reused for every file: no allocation per file (the GC thanks us). */
let localBuffer: Buffer | undefined

export function summariseHere(path: string): SmallSummary {
  localBuffer ??= Buffer.allocUnsafe(WHOLE_READ_LIMIT)
  return summariseSmallFile(path, {
    fs,
    createHash,
    isUtf8,
    buffer: localBuffer,
    limits: { whole: WHOLE_READ_LIMIT, sniff: BINARY_SNIFF_BYTES }
  })
}

export const WORKER_SOURCE = `
const tools = {
  fs: require('node:fs'),
  createHash: require('node:crypto').createHash,
  isUtf8: require('node:buffer').isUtf8,
  buffer: Buffer.allocUnsafe(${WHOLE_READ_LIMIT}),
  limits: { whole: ${WHOLE_READ_LIMIT}, sniff: ${BINARY_SNIFF_BYTES} }
}
const summariseSmallFile = ${summariseSmallFile.toString()}
port.on('message', (paths) => port.postMessage(paths.map((path) => summariseSmallFile(path, tools))))
`

/**
 * Summarises many files on another thread (see EvalWorker) while this one parses flows: reading
 * thousands of files is mostly system calls, which another core can take. Any trouble with that
 * thread and the files left are summarised here instead.
 */
export class FileSummaries {
  private readonly worker = new EvalWorker<string[], SmallSummary[]>(
    WORKER_SOURCE,
    'the thread reading namespace files stopped'
  )

  /** Summaries of these paths, in order; the work starts at once. */
  request(paths: string[]): Promise<SmallSummary>[] {
    const here = () => paths.map(summariseHere)
    const batch = this.worker.request(paths)?.catch(here) ?? Promise.resolve().then(here)
    return paths.map((_, index) => batch.then((results) => results[index]!))
  }

  /** False once the helper thread failed or was closed: summaries are then computed on this thread. */
  get onWorker(): boolean {
    return this.worker.running
  }

  close(): void {
    this.worker.close()
  }
}
