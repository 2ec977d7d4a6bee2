import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSummaries, summariseHere, WHOLE_READ_LIMIT } from '../../src/repo/file-summaries.js'
import { summariseContent } from '../../src/repo/namespace-files.js'
import { sha256 } from '../plan/fixtures.js'

describe('file summaries on a worker thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kga-summaries-'))
  const files = {
    'query.sql': 'select 1\n',
    'logo.png': new Uint8Array([137, 80, 78, 71, 0, 1]),
    'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
    'empty.txt': '',
    'big.bin': new Uint8Array(WHOLE_READ_LIMIT + 1).fill(7)
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  const paths = [...Object.keys(files), 'missing.txt'].map((name) => join(dir, name))

  it('answers as this thread does, and really on the worker', async () => {
    const summaries = new FileSummaries()
    const answers = await Promise.all(summaries.request(paths))
    expect(summaries.onWorker).toBe(true)
    summaries.close()
    expect(answers).toEqual(paths.map(summariseHere))
    expect(answers.slice(0, 4)).toEqual([
      { size: 9, sha256: sha256('select 1\n'), binary: false },
      { size: 6, sha256: sha256(files['logo.png']), binary: true },
      { size: 4, sha256: sha256(files['latin1.txt']), binary: true },
      { size: 0, sha256: sha256(''), binary: false }
    ])
    expect(answers[4]).toBe('large')
    expect(answers[5]).toEqual({ error: expect.stringContaining('ENOENT') })
    // A large file is then streamed: same summary as reading it whole would give.
    expect(await summariseContent(paths[4]!, answers[4])).toEqual({
      size: WHOLE_READ_LIMIT + 1,
      sha256: sha256(files['big.bin']),
      binary: false
    })
  })

  it('finishes on this thread what a closed worker left', async () => {
    const summaries = new FileSummaries()
    const pending = summaries.request(paths.slice(0, 2))
    summaries.close()
    expect(await Promise.all(pending)).toEqual(paths.slice(0, 2).map(summariseHere))
  })
})
