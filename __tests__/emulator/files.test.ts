import { zipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { filesUrl, flowSource, json, unzipResponse, upload } from './http.js'

let emulator: Emulator
let P: string
beforeEach(async () => {
  emulator = await startEmulator()
  P = `${emulator.url}/api/v1/main`
})
afterEach(() => emulator.close())

const allBytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256)

describe('namespace files', () => {
  it('stores a multipart fileContent part byte for byte and serves it back', async () => {
    const response = await upload(filesUrl(P, 'team', '', '/bin/data.bin'), allBytes, 'data.bin')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    const read = await fetch(filesUrl(P, 'team', '', '/bin/data.bin'))
    expect(read.headers.get('content-type')).toBe('application/octet-stream')
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(allBytes)
    expect(emulator.snapshot().files).toEqual([
      {
        tenant: 'main',
        namespace: 'team',
        path: '/bin/data.bin',
        bytes: Buffer.from(allBytes),
        revision: 1
      }
    ])
    expect(emulator.requests[0]).toMatchObject({
      route: 'namespaces.files.upload',
      partFilename: 'data.bin',
      query: { path: '/bin/data.bin' }
    })
  })

  it('makes a new revision on every upload, identical bytes included', async () => {
    await upload(filesUrl(P, 'team', '', '/a.txt'), 'same', 'a.txt')
    await upload(filesUrl(P, 'team', '', '/a.txt'), 'same', 'a.txt')
    const revisions = await fetch(filesUrl(P, 'team', '/revisions', '/a.txt'))
    expect(await json(revisions)).toEqual([{ revision: 1 }, { revision: 2 }])
  })

  it('extracts an upload whose file name ends in .zip, turning _flows/ entries into flows', async () => {
    const archive = zipSync({
      'scripts/run.py': Buffer.from('print(1)'),
      '_flows/imported.yml': Buffer.from(flowSource('somewhere.else', 'imported'))
    })
    await upload(filesUrl(P, 'team', '', '/ignored.zip'), archive, 'bundle.zip')
    const snapshot = emulator.snapshot()
    expect(snapshot.files.map((f) => f.path)).toEqual(['/scripts/run.py'])
    expect(snapshot.flows.map((f) => [f.namespace, f.id])).toEqual([['team', 'imported']])
    expect(snapshot.flows[0].source).toContain('namespace: team\n')
  })

  it('404s a missing file with Kestra message and 422s forbidden, relative and over-long paths', async () => {
    const missing = await fetch(filesUrl(P, 'team', '', '/a'))
    expect(missing.status).toBe(404)
    expect((await json<{ message: string }>(missing)).message).toBe(
      "Not Found: File '/a' was not found in namespace 'team'."
    )
    const forbidden = await fetch(filesUrl(P, 'team', '', '/_flows/x.yml'))
    expect(forbidden.status).toBe(422)
    expect((await json<{ message: string }>(forbidden)).message).toBe(
      'Illegal argument: Forbidden path: /_flows/x.yml'
    )
    const relative = await upload(filesUrl(P, 'team', '', '/a/../b'), 'x', 'b')
    expect(relative.status).toBe(422)
    const long = await upload(filesUrl(P, 'team', '', `/${'x'.repeat(256)}`), 'x', 'x')
    expect((await json<{ message: string }>(long)).message).toBe(
      'Illegal argument: A file or folder name exceeds the maximum length of 255 characters.'
    )
  })

  it('lists directories with FileAttributes and stats files and the root', async () => {
    emulator.seed({
      files: [
        { namespace: 'team', path: '/dir/a.txt', content: 'abc' },
        { namespace: 'team', path: '/dir/sub/b.txt', content: 'b' },
        { namespace: 'team', path: '/top.txt', content: '' }
      ]
    })
    const listing = await json<
      { fileName: string; type: string; size: number; creationTime: number }[]
    >(await fetch(filesUrl(P, 'team', '/directory', '/dir')))
    expect(listing.map((a) => [a.fileName, a.type, a.size])).toEqual([
      ['a.txt', 'File', 3],
      ['sub', 'Directory', 0]
    ])
    expect(typeof listing[0].creationTime).toBe('number')
    const root = await json<{ fileName: string }>(await fetch(filesUrl(P, 'team', '/stats')))
    expect(root.fileName).toBe('_files')
    expect((await fetch(filesUrl(P, 'team', '/directory', '/nope'))).status).toBe(404)
  })

  it('deletes recursively, accepts missing paths and prunes emptied parents', async () => {
    emulator.seed({
      files: [
        { namespace: 'team', path: '/a/b/c.txt', content: 'c' },
        { namespace: 'team', path: '/a/keep.txt', content: 'k' },
        { namespace: 'team', path: '/x/y/z.txt', content: 'z' }
      ]
    })
    const del = (path: string) => fetch(filesUrl(P, 'team', '', path), { method: 'DELETE' })
    expect((await del('/a/b/c.txt')).status).toBe(200)
    expect((await del('/does/not/exist')).status).toBe(200)
    expect((await del('/x')).status).toBe(200)
    const rootListing = await json<{ fileName: string }[]>(
      await fetch(filesUrl(P, 'team', '/directory'))
    )
    expect(rootListing.map((a) => a.fileName)).toEqual(['a'])
    const aListing = await json<{ fileName: string }[]>(
      await fetch(filesUrl(P, 'team', '/directory', '/a'))
    )
    expect(aListing.map((a) => a.fileName)).toEqual(['keep.txt'])
  })

  it('exports every file without a leading slash, moves and searches', async () => {
    emulator.seed({
      files: [
        { namespace: 'team', path: '/a.txt', content: 'A' },
        { namespace: 'team', path: '/d/b.txt', content: 'B' }
      ]
    })
    const moved = await fetch(`${P}/namespaces/team/files?from=/d&to=/e`, { method: 'PUT' })
    expect(moved.status).toBe(200)
    const exported = await fetch(`${P}/namespaces/team/files/export`)
    expect(exported.headers.get('content-disposition')).toBe(
      'attachment; filename="team_files.zip"'
    )
    expect(await unzipResponse(exported)).toEqual({ 'a.txt': 'A', 'e/b.txt': 'B' })
    expect(await json(await fetch(`${P}/namespaces/team/files/search?q=b.t`))).toEqual(['/e/b.txt'])
    const clash = await fetch(`${P}/namespaces/team/files?from=/a.txt&to=/e/b.txt`, {
      method: 'PUT'
    })
    expect(clash.status).toBe(500)
  })

  it('has no revisions route before 1.2', async () => {
    const old = await startEmulator({ version: '1.1.4' })
    const response = await fetch(filesUrl(`${old.url}/api/v1/main`, 'team', '/revisions', '/a'))
    expect(response.status).toBe(404)
    expect(old.requests[0].route).toBe('unmatched')
    await old.close()
  })
})
