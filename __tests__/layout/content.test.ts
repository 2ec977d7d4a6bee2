import { createHash } from 'node:crypto'
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readNamespaceFileBytes } from '../../src/resources/namespace-files/apply.js'
import { MAX_FILE_BYTES, normaliseText } from '../../src/model/content.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { runs } from '../../test-support/property-runs.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

describe('namespace file content', () => {
  const large = Buffer.alloc(6 * 1024 * 1024, 'a')
  const largeInvalidAtEnd = Buffer.concat([large, Buffer.from([0xc3])])
  const repo = createWorkTree({
    'team/files/text.txt': 'héllo wörld\n',
    'team/files/nul.bin': Buffer.from([0x41, 0x00, 0x42]),
    'team/files/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    'team/files/empty.txt': '',
    'team/files/large.txt': large,
    'team/files/large-invalid.txt': largeInvalidAtEnd
  })

  it('records size, sha256 and whether the bytes are binary', async () => {
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    const byPath = Object.fromEntries(model.files.map((f) => [f.path, f]))
    expect(byPath['/text.txt']).toMatchObject({
      size: Buffer.byteLength('héllo wörld\n'),
      sha256: sha256('héllo wörld\n'),
      binary: false,
      symlink: false,
      symlinkEscapes: false
    })
    expect(byPath['/nul.bin']).toMatchObject({ size: 3, binary: true })
    expect(byPath['/latin1.txt']).toMatchObject({ size: 4, binary: true })
    expect(byPath['/empty.txt']).toMatchObject({ size: 0, sha256: sha256(''), binary: false })
  })

  it('hashes large files completely, detecting invalid UTF-8 at their end', async () => {
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    const byPath = Object.fromEntries(model.files.map((f) => [f.path, f]))
    expect(byPath['/large.txt']).toMatchObject({
      size: large.length,
      sha256: sha256(large),
      binary: false
    })
    expect(byPath['/large-invalid.txt']).toMatchObject({
      size: largeInvalidAtEnd.length,
      sha256: sha256(largeInvalidAtEnd),
      binary: true
    })
  })

  it('judges a file over the limit from its size alone: never read, never hashed, never uploaded', async () => {
    const sparse = createWorkTree({ 'team/flows/a.yml': flow('a', 'team') })
    mkdirSync(join(sparse.dir, 'team/files'))
    const path = join(sparse.dir, 'team/files/huge.bin')
    writeFileSync(path, '')
    truncateSync(path, MAX_FILE_BYTES + 1)
    const model = await loadWorkTree(settingsWith({}), sparse.dir)
    expect(model.files).toMatchObject([{ size: MAX_FILE_BYTES + 1, sha256: '', binary: true }])
    await expect(readNamespaceFileBytes(model.files[0]!)).rejects.toThrow(
      'team/files/huge.bin is over the 100 MiB limit of a namespace file; it is never read'
    )
  })

  it('keeps names with spaces, unicode, +, # and % as they are', async () => {
    const names = ['my report.sql', 'données/ünïcode.py', 'a+b.txt', '#1.txt', '100%.csv']
    const named = createWorkTree(Object.fromEntries(names.map((n) => [`team/files/${n}`, n])))
    const model = await loadWorkTree(settingsWith({}), named.dir)
    expect(model.files.map((f) => [f.file, f.path])).toEqual(
      [...names].sort((a, b) => (a < b ? -1 : 1)).map((n) => [`team/files/${n}`, `/${n}`])
    )
  })
})

describe('flow file text', () => {
  it('keeps the raw text with BOM and CRLF and normalises the source', async () => {
    const raw = '\uFEFFid: crlf\r\nnamespace: team\r\ntasks: []\r\n'
    const repo = createWorkTree({ 'team/flows/crlf.yml': raw })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.flows).toHaveLength(1)
    expect(model.flows[0]).toMatchObject({
      raw,
      source: 'id: crlf\nnamespace: team\ntasks: []\n',
      id: 'crlf',
      namespace: 'team'
    })
  })

  it('reports a flow file that is not UTF-8 on the line of the first bad byte', async () => {
    const repo = createWorkTree({
      'team/flows/latin1.yml': Buffer.concat([
        Buffer.from('id: latin\nnamespace: team\ndescription: caf'),
        Buffer.from([0xe9]),
        Buffer.from('\ntasks: []\n')
      ]),
      'team/flows/ok.yml': flow('ok', 'team')
    })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['team/flows/ok.yml'])
    expect(model.readProblems).toEqual([
      {
        severity: 'error',
        file: 'team/flows/latin1.yml',
        line: 3,
        message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
      }
    ])
  })

  it('keeps a YAML file without id and tasks in the model, marked as not a flow', async () => {
    const repo = createWorkTree({ 'team/flows/values.yml': 'foo: bar\n' })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.flows.map((f) => [f.file, f.notAFlow])).toEqual([['team/flows/values.yml', true]])
    expect(model.managedNamespaces).toEqual([])
  })
})

describe('many files', () => {
  it('reads many namespace files (10,000 in npm test) once each, in a deterministic order', async () => {
    const count = runs(10_000, 600)
    const files: Record<string, string> = {}
    for (let i = 0; i < count; i++) files[`team/files/d${i % 50}/f${i}.txt`] = `content ${i}`
    const repo = createWorkTree()
    repo.write(files)
    const first = await loadWorkTree(settingsWith({}), repo.dir)
    const second = await loadWorkTree(settingsWith({}), repo.dir)
    expect(first.files).toHaveLength(count)
    const paths = first.files.map((f) => f.file)
    expect(paths).toEqual([...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    expect(second.files).toEqual(first.files)
    const sample = first.files.find((f) => f.file === 'team/files/d7/f407.txt')
    expect(sample?.sha256).toBe(sha256('content 407'))
  })
})

describe('normaliseText', () => {
  it('removes one leading BOM and turns CRLF and lone CR into LF, whatever the text', () => {
    const unit = fc.constantFrom('\r', '\n', '\uFEFF', 'a', ' ', 'é', '\uD83D\uDE00', '\u2028')
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 40 }).map((units) => units.join('')),
        (text) => {
          expect(normaliseText(text)).toBe(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'))
        }
      ),
      { numRuns: runs(2000, 500), seed: 20261124 }
    )
  })
})
