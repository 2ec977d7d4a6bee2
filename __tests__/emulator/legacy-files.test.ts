import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { filesUrl, flowSource, json, postYaml, unzipResponse, upload } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

async function legacy(version: string): Promise<string> {
  emulator = await startEmulator({ version })
  return `${emulator.url}/api/v1`
}

describe('namespace file paths before 1.0 (URLEncoder, then a Java URI)', () => {
  it('0.19 → 0.x store a space as "+", for upload, read, stats, listing, export and delete', async () => {
    const P = await legacy('0.20.7')
    expect(
      (await upload(filesUrl(P, 'team', '', '/my dir/a b.txt'), 'spaced', 'a b.txt')).status
    ).toBe(200)
    expect(emulator.snapshot().files.map((f) => f.path)).toEqual(['/my+dir/a+b.txt'])
    // Both spellings reach the same stored file.
    for (const path of ['/my dir/a b.txt', '/my+dir/a+b.txt']) {
      expect(await (await fetch(filesUrl(P, 'team', '', path))).text()).toBe('spaced')
      expect(await json(await fetch(filesUrl(P, 'team', '/stats', path)))).toMatchObject({
        fileName: 'a+b.txt',
        type: 'File'
      })
    }
    const listed = await json<{ fileName: string }[]>(
      await fetch(filesUrl(P, 'team', '/directory', '/my dir'))
    )
    expect(listed.map((f) => f.fileName)).toEqual(['a+b.txt'])
    expect(await unzipResponse(await fetch(filesUrl(P, 'team', '/export')))).toEqual({
      'my+dir/a+b.txt': 'spaced'
    })
    await fetch(filesUrl(P, 'team', '', '/my dir/a b.txt'), { method: 'DELETE' })
    expect(emulator.snapshot().files).toEqual([])
  })

  it("cuts a name at '#' or '?', decodes %XX and refuses what a Java URI refuses", async () => {
    const P = await legacy('0.20.7')
    await upload(filesUrl(P, 'team', '', '/a#b.txt'), 'hash', 'a#b.txt')
    await upload(filesUrl(P, 'team', '', '/q?x.txt'), 'query', 'q.txt')
    await upload(filesUrl(P, 'team', '', '/%41.txt'), 'escaped', 'A.txt')
    expect(emulator.snapshot().files.map((f) => f.path)).toEqual(['/A.txt', '/a', '/q'])
    for (const path of ['/50%.txt', '/a{b}.txt']) {
      const refused = await upload(filesUrl(P, 'team', '', path), 'x', 'x.txt')
      expect(refused.status, path).toBe(422)
      expect(await json(refused)).toMatchObject({
        message: expect.stringMatching(/^Illegal argument: /)
      })
    }
  })

  it('0.13 → 0.18 bind the path as a URI: a space is refused', async () => {
    const P = await legacy('0.18.4')
    const refused = await upload(filesUrl(P, 'team', '', '/a b.txt'), 'x', 'a b.txt')
    expect(refused.status).toBe(422)
    expect((await upload(filesUrl(P, 'team', '', '/a+b.txt'), 'x', 'a+b.txt')).status).toBe(200)
    expect(emulator.snapshot().files.map((f) => f.path)).toEqual(['/a+b.txt'])
  })

  it('1.x keeps every name as given', async () => {
    emulator = await startEmulator({ version: '1.3.2' })
    const P = `${emulator.url}/api/v1/main`
    for (const path of ['/a b.txt', '/a+b.txt', '/a#b%.txt']) {
      expect((await upload(filesUrl(P, 'team', '', path), path, 'x.txt')).status).toBe(200)
    }
    expect(emulator.snapshot().files.map((f) => f.path)).toEqual([
      '/a b.txt',
      '/a#b%.txt',
      '/a+b.txt'
    ])
  })
})

describe('namespace file export and flows', () => {
  it('0.14 → 0.x add the namespace flows as _flows/<id>.yml; 1.x does not', async () => {
    for (const [version, prefix, withFlows] of [
      ['0.20.7', '/api/v1', true],
      ['1.3.2', '/api/v1/main', false]
    ] as const) {
      emulator = await startEmulator({ version })
      const P = emulator.url + prefix
      expect((await postYaml(`${P}/flows`, flowSource('team', 'a'))).status).toBe(200)
      await upload(filesUrl(P, 'team', '', '/x.txt'), 'x', 'x.txt')
      const entries = await unzipResponse(await fetch(filesUrl(P, 'team', '/export')))
      expect(entries).toEqual({
        'x.txt': 'x',
        ...(withFlows && { '_flows/a.yml': flowSource('team', 'a') })
      })
      await emulator.close()
    }
    emulator = await startEmulator()
  })
})
