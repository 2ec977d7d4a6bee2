import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** One `git cat-file --batch` process answering object reads in the order they were asked. */
export class CatFileBatch {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>
  private readonly waiting: {
    oid: string
    resolve(content: Buffer): void
    reject(e: Error): void
  }[] = []
  private readonly reader = new BatchReader()
  private readonly exited: Promise<void>
  private failure?: Error

  constructor(cwd: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] })
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk))
    this.child.stdin.on('error', (error) => this.fail(error))
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(error)
        resolve()
      })
      this.child.on('close', (code) => {
        this.fail(new Error(`git cat-file ended (exit code ${code}) before answering`))
        resolve()
      })
    })
  }

  read(oid: string): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting.push({ oid, resolve, reject })
      this.child.stdin.write(`${oid}\n`)
    })
  }

  async close(): Promise<void> {
    this.child.stdin.end()
    await this.exited
  }

  private receive(chunk: Buffer): void {
    try {
      this.reader.push(chunk)
      for (let object = this.reader.next(); object; object = this.reader.next()) {
        const asked = this.waiting.shift()
        if (asked?.oid !== object.oid)
          throw new Error(`git cat-file answered ${object.oid} out of turn`)
        asked.resolve(object.content)
      }
    } catch (error) {
      this.fail(error as Error)
      this.child.kill()
    }
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const asked of this.waiting.splice(0)) asked.reject(this.failure)
  }
}

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` per object. */
class BatchReader {
  private chunks: Buffer[] = []
  private length = 0
  private header?: { oid: string; contentStart: number; contentEnd: number }

  push(chunk: Buffer) {
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  next(): { oid: string; content: Buffer } | undefined {
    if (!this.header) {
      const buffer = this.joined()
      const newline = buffer.indexOf(0x0a)
      if (newline === -1) return undefined
      const [oid, type, size] = buffer.subarray(0, newline).toString('utf8').split(' ')
      if (type !== 'blob' || size === undefined) {
        throw new Error(`git cat-file returned an unexpected object: ${oid} ${type}`)
      }
      const contentStart = newline + 1
      this.header = { oid: oid!, contentStart, contentEnd: contentStart + Number(size) }
    }
    const { oid, contentStart, contentEnd } = this.header
    // Joined only once the whole object has arrived, so a large blob is copied once.
    if (this.length < contentEnd + 1) return undefined
    const buffer = this.joined()
    const content = Buffer.from(buffer.subarray(contentStart, contentEnd))
    this.chunks = [buffer.subarray(contentEnd + 1)]
    this.length = buffer.length - contentEnd - 1
    this.header = undefined
    return { oid, content }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)]
    return this.chunks[0] ?? Buffer.alloc(0)
  }
}
