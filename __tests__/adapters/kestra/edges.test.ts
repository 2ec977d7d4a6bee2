import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/model/errors.js'
import { createKestraClient, type KestraClient } from '../../../src/adapters/kestra/client.js'
import { fileNaming, repositoryNames, storedPath } from '../../../src/adapters/kestra/file-paths.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../../test-support/kestra-emulator/index.js'
import { flowSource } from './contract-suite.js'
import { runs } from '../../../test-support/property-runs.js'

const started = (): Emulator => emulator!
/** The files the server holds, each with its size. */
const storedSizes = () =>
  started()
    .snapshot()
    .files.map((f) => [f.path, f.bytes.length])

let emulator: Emulator | undefined
let client: KestraClient
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function connect(options: EmulatorOptions, tenant = 'main'): Promise<KestraClient> {
  const started = await startEmulator(options)
  emulator = started
  client = createKestraClient({
    server: started.url,
    tenant,
    auth: { kind: 'none' },
    timeoutSeconds: 10,
    concurrency: 4,
    retry: { baseDelayMs: 1 }
  })
  const opened = client
  closers.push(
    () => opened.close(),
    () => started.close()
  )
  return client
}

describe('a flow deleted between the listing and the export (whole-request 404)', () => {
  it('lists and exports that namespace again, and keeps the export for the next ones', async () => {
    await connect({})
    const emulator = started()
    const seed = (ns: string, id: string, deleted = false) =>
      emulator.seed({ flows: [{ namespace: ns, id, source: flowSource(ns, id), deleted }] })
    for (const id of ['a', 'b', 'c']) seed('first', id)
    for (const id of ['x', 'y']) seed('second', id)
    let raced = false
    emulator.onRequest((request) => {
      if (request.route === 'flows.export.by-ids' && !raced) {
        raced = true
        seed('first', 'c', true)
      }
    })
    expect((await client.listFlows('first')).map((f) => f.id)).toEqual(['a', 'b'])
    expect((await client.listFlows('second')).map((f) => f.id)).toEqual(['x', 'y'])
    expect(emulator.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
      'configs 200',
      'flows.list 200',
      'flows.export.by-ids 404',
      'flows.list 200',
      'flows.export.by-ids 200',
      'flows.list 200',
      'flows.export.by-ids 200'
    ])
  })
})

describe('tenants', () => {
  it('refuses a tenant other than main on an OSS server, before any other request', async () => {
    await connect({ version: '1.3.2', edition: 'OSS' }, 'staging')
    const emulator = started()
    const refused = client.listFlows('team')
    await expect(refused).rejects.toBeInstanceOf(ConfigError)
    await expect(refused).rejects.toThrow(/Input 'tenant': .*single tenant 'main'/)
    expect(emulator.requests.map((r) => r.route)).toEqual(['configs'])
  })

  it('refuses it on a pre-tenant OSS server too', async () => {
    await connect({ version: '0.20.7', edition: 'OSS' }, 'staging')
    await expect(client.info()).rejects.toBeInstanceOf(ConfigError)
  })

  it('uses tenant routes on EE from 0.22 (no default tenant), the default tenant before', async () => {
    await connect({ version: '0.22.0', edition: 'EE' })
    expect((await client.info()).tenantScoped).toBe(true)
    expect(await client.listFlows('team')).toEqual([])
    await connect({ version: '0.21.3', edition: 'EE' })
    expect((await client.info()).tenantScoped).toBe(false)
    expect(await client.listFlows('team')).toEqual([])
  })
})

describe('namespace file names on pre-1.0 servers', () => {
  it('knows which era stores which name', () => {
    expect(fileNaming({ version: '1.0.0' })).toBe('exact')
    expect(fileNaming({ version: 'unknown' })).toBe('exact')
    expect(fileNaming({ version: '0.20.7' })).toBe('space-as-plus')
    expect(fileNaming({ version: '0.18.4' })).toBe('uri')
    expect(storedPath('space-as-plus', '/my dir/a b.txt')).toEqual({ path: '/my+dir/a+b.txt' })
    expect(storedPath('exact', '/a b#.txt')).toEqual({ path: '/a b#.txt' })
    expect(storedPath('uri', '/a+b.txt')).toEqual({ path: '/a+b.txt' })
    for (const [naming, path] of [
      ['uri', '/a b.txt'],
      ['space-as-plus', '/a#b.txt'],
      ['space-as-plus', '/50%.txt'],
      ['space-as-plus', '/q?.txt'],
      ['space-as-plus', '/a{b}.txt']
    ] as const) {
      expect(storedPath(naming, path), path).toHaveProperty('problem')
    }
  })

  it('maps stored names back to the repository, and refuses two files stored as one', () => {
    const entries = [
      { path: '/a b.txt', file: 'ns/files/a b.txt' },
      { path: '/plain.txt', file: 'ns/files/plain.txt' }
    ]
    expect(repositoryNames('space-as-plus', 'ns', entries)).toEqual(
      new Map([['/a+b.txt', '/a b.txt']])
    )
    expect(repositoryNames('exact', 'ns', entries)).toEqual(new Map())
    expect(() =>
      repositoryNames('space-as-plus', 'ns', [
        ...entries,
        { path: '/a+b.txt', file: 'ns/files/a+b.txt' }
      ])
    ).toThrow(
      "Namespace files ns/files/a b.txt and ns/files/a+b.txt (namespace 'ns') would be one file '/a+b.txt'"
    )
    expect(() => repositoryNames('uri', 'ns', entries)).toThrow(
      /Namespace file ns\/files\/a b\.txt \('\/a b\.txt' in namespace 'ns'\) cannot be deployed/
    )
  })
})

describe('an empty namespace file (zero-byte part)', () => {
  it('goes as an empty part where the server keeps it', async () => {
    await connect({})
    await client.uploadFile('team', '/pkg/__init__.py', new Uint8Array(0))
    expect(storedSizes()).toEqual([['/pkg/__init__.py', 0]])
    expect(started().requests.filter((r) => r.route === 'namespaces.files.upload')).toHaveLength(1)
  })

  it('goes inside a one-entry zip where the server drops empty parts', async () => {
    for (const [version, path, stored] of [
      ['1.3.2', '/pkg/__init__.py', '/pkg/__init__.py'],
      ['0.20.7', '/my pkg/__init__.py', '/my+pkg/__init__.py']
    ] as const) {
      await connect({ version, dropEmptyFileParts: true })
      await client.uploadFile('team', path, new Uint8Array(0))
      expect(storedSizes()).toEqual([[stored, 0]])
      const uploads = started().requests.filter((r) => r.route === 'namespaces.files.upload')
      expect(uploads.map((r) => [r.status, r.partFilename])).toEqual([
        [400, '__init__.py'],
        [200, 'empty-file.zip']
      ])
    }
  })

  it('keeps any name through the zip, __proto__ and its kin at the root included (property)', async () => {
    const segment = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'ü €', 'a b'),
      // Kestra refuses any path holding '..' (docs/kestra.md, namespace files).
      fc.stringMatching(/^[a-z0-9_-][a-z0-9_.-]{0,11}$/).filter((name) => !name.includes('..'))
    )
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), async (segments) => {
        const path = `/${segments.join('/')}`
        // A server of its own for each path: a file and a folder of one name cannot both be.
        await connect({ dropEmptyFileParts: true })
        await client.uploadFile('team', path, new Uint8Array(0))
        expect(storedSizes()).toEqual([[path, 0]])
        for (const close of closers.splice(0)) await close()
      }),
      { numRuns: runs(40, 12), seed: 20261125 }
    )
  })
})
