import { describe, expect, it } from 'vitest'
import { serverFile } from '../../src/plan/content.js'
import { keepUnlessSame, ServerFileSummaries } from '../../src/run/server-file-summaries.js'
import { sha256 } from './fixtures.js'

/** Files as a stored zip answer gives them: views into one large buffer. */
function exportOf(contents: (string | Uint8Array)[]) {
  const parts = contents.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : c))
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  return parts.map((part, i) => {
    body.set(part, at)
    const bytes = body.subarray(at, at + part.length)
    at += part.length
    return { path: `/f${i}`, bytes }
  })
}

describe('server file summaries', () => {
  const big = 'x'.repeat(300 * 1024)
  const contents = ['select 1\n', big, new Uint8Array([0, 1, 2]), 'changed\n']
  const local = new Map([
    ['/f0', new Set([sha256('select 1\n')])],
    ['/f1', new Set([sha256(big)])],
    ['/f3', new Set([sha256('as in the repository\n')])]
  ])
  const expected = exportOf(contents).map(({ path, bytes }) =>
    serverFile(path, bytes.slice(), keepUnlessSame(local.get(path)))
  )

  it('summarises on a worker exactly as here, handing back only the bytes a diff may show', async () => {
    const summaries = new ServerFileSummaries()
    const files = exportOf(contents)
    const result = await summaries.summarise(files, (path) => local.get(path))
    summaries.close()
    expect(files[0]!.bytes.length).toBe(0) // the answer's buffer went to the worker
    expect(result).toEqual(expected)
    expect(result.map((f) => f.bytes !== undefined)).toEqual([false, false, true, true])
    expect(new TextDecoder().decode(result[3]!.bytes)).toBe('changed\n')
  })

  it('fails the read when the worker stops holding the answer: its bytes are no longer here', async () => {
    const summaries = new ServerFileSummaries()
    const reading = summaries.summarise(exportOf(contents), (path) => local.get(path))
    summaries.close()
    await expect(reading).rejects.toThrow('the thread summarising the server files stopped')
  })

  it('keeps small answers here, buffers untouched', async () => {
    const summaries = new ServerFileSummaries()
    const files = exportOf(['a', 'b'])
    const result = await summaries.summarise(files, () => undefined)
    summaries.close()
    expect(files[0]!.bytes.length).toBe(1)
    expect(result.map((f) => f.summary.sha256)).toEqual([sha256('a'), sha256('b')])
  })
})
