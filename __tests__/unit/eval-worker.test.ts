import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TransferListItem } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { EvalWorker, serveEvaluation, type EvalHost } from '../../src/eval-worker.js'
import { summaryOf } from '../../src/plan/content.js'
import { summariseHere, WORKER_SOURCE as FILES_SOURCE } from '../../src/repo/file-summaries.js'
import { WORKER_SOURCE as SERVER_SOURCE } from '../../src/run/server-file-summaries.js'
import { createHash } from 'node:crypto'
import { isUtf8 } from 'node:buffer'

/** A host as the action's main thread is: it runs what it is sent (here, on this very thread). */
function inProcessHost(): EvalHost & { served: number } {
  const host = {
    served: 0,
    postMessage(message: unknown, _transfer: TransferListItem[]) {
      if (serveEvaluation(message)) host.served++
    }
  }
  return host
}

const ECHO = `port.on('message', (n) => { if (n < 0) throw new Error('no'); port.postMessage(n * 2) })`

describe('EvalWorker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kga-eval-'))
  writeFileSync(join(dir, 'a.sql'), 'select 1\n')
  writeFileSync(join(dir, 'b.png'), new Uint8Array([137, 80, 0, 1]))
  const paths = ['a.sql', 'b.png', 'missing'].map((name) => join(dir, name))

  for (const [where, host] of [
    ['on a thread of its own', () => undefined],
    ['on the host thread', inProcessHost]
  ] as const) {
    it(`answers in order ${where}`, async () => {
      const helper = new EvalWorker<number, number>(ECHO, 'stopped', host())
      const answers = await Promise.all([1, 2, 3].map((n) => helper.request(n)))
      expect(answers).toEqual([2, 4, 6])
      helper.close()
      expect(helper.running).toBe(false)
    })

    it(`summarises namespace files ${where} as this thread does`, async () => {
      const helper = new EvalWorker<string[], unknown[]>(FILES_SOURCE, 'stopped', host())
      expect(await helper.request(paths)).toEqual(paths.map(summariseHere))
      helper.close()
    })

    it(`summarises server files ${where}, sending back only the bytes a diff needs`, async () => {
      const helper = new EvalWorker<unknown, { summary: unknown; bytes?: Uint8Array }[]>(
        SERVER_SOURCE,
        'stopped',
        host()
      )
      const bytes = new TextEncoder().encode('same\nchanged\n')
      const items = [
        {
          buffer: 0,
          offset: 0,
          length: 5,
          local: [createHash('sha256').update('same\n').digest('hex')]
        },
        { buffer: 0, offset: 5, length: 8, local: [] }
      ]
      const answers = await helper.request({ buffers: [bytes.buffer], items }, [bytes.buffer])
      const tools = { createHash, isUtf8 }
      expect(answers).toEqual([
        { summary: summaryOf(new TextEncoder().encode('same\n'), tools), bytes: undefined },
        {
          summary: summaryOf(new TextEncoder().encode('changed\n'), tools),
          bytes: new TextEncoder().encode('changed\n')
        }
      ])
      helper.close()
    })
  }

  it('stops a host helper that throws, failing what it left unanswered; the host carries on', async () => {
    const host = inProcessHost()
    const helper = new EvalWorker<number, number>(ECHO, 'the helper stopped', host)
    await expect(helper.request(-1)).rejects.toThrow('the helper stopped')
    expect(helper.running).toBe(false)
    expect(helper.request(1)).toBeUndefined()
    const next = new EvalWorker<number, number>(ECHO, 'stopped', host)
    expect(await next.request(21)).toBe(42)
    next.close()
    expect(host.served).toBe(2)
  })

  // In a process of its own: this one has plenty else keeping it alive.
  it.each([
    ['on a thread of its own', 'own', 'answer 42, still running\n'],
    ['on the host thread', 'host', 'answer 42, still running\nworker exit 0\n']
  ])(
    'keeps its thread alive %s while an answer is due, and only then',
    (_where, backend, output) => {
      const fixture = fileURLToPath(new URL('fixtures/awaits-helper.mjs', import.meta.url))
      const child = spawnSync(process.execPath, [fixture, backend], {
        encoding: 'utf8',
        timeout: 15_000
      })
      expect(child.error, 'the idle helper kept the process alive').toBeUndefined()
      expect({ status: child.status, stdout: child.stdout }).toEqual({ status: 0, stdout: output })
    }
  )

  it('is not served a message that is not a helper', () => {
    expect(serveEvaluation({ anything: 'else' })).toBe(false)
    expect(serveEvaluation('text')).toBe(false)
  })
})
