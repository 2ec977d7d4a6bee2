/**
 * What the drift pull request writes (docs/drift.md#the-drift-pull-request), per layout: the server's
 * content in the file that holds each resource, new resources where the layout puts their namespace,
 * removals only where the layout makes them clear, and never a credential, a taken path or a path that
 * leaves the repository.
 */
import { readByLayout } from '../../../src/resources/resource.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { driftTree } from '../../../src/engine/drift/reports.js'
import type { RepositoryShape } from '../../../src/model/drift.js'
import type { DriftedResource } from '../../../src/model/drift.js'
import { readBackOf } from '../../../src/layout/read-back.js'
import { settingsWith } from '../../layout/support.js'
import { fileDrift, flowDrift } from './fixtures.js'
import { DECIDE_KINDS, KINDS } from '../../../src/resources/registry.js'
import { runs } from '../../../test-support/property-runs.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 200)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const NS = 'company.team'

/** A repository's shape, read back through the real layout rules of the same settings. */
function shape(extra: Partial<Omit<RepositoryShape, 'readBack'>> = {}): RepositoryShape {
  const base = {
    layout: 'tenant' as const,
    rootRel: '',
    mappings: [],
    flowFiles: [{ file: `${NS}/flows/nested/solo.yml`, namespace: NS }],
    paths: new Set([`${NS}/flows/nested/solo.yml`, 'README.md']),
    ...extra
  }
  return { ...base, readBack: readBackOf(settingsOf(base), base.layout, base.rootRel) }
}

function settingsOf(s: Omit<RepositoryShape, 'readBack'>) {
  return settingsWith({
    layout: s.layout,
    namespace: s.namespace ?? '',
    flows: s.layout === 'custom' ? 'flows/**/*.yml' : '',
    'namespace-files': s.mappings
      .map((m) => `${m.dir || '.'} -> ${m.namespace}${m.prefix ? `:${m.prefix}` : ''}`)
      .join('\n')
  })
}

function tree(items: DriftedResource[], s: RepositoryShape = shape(), credential = 'sekret-value') {
  return driftTree({
    items,
    shape: s,
    serverCopies: new Map([
      [`${NS}:/new/data.csv`, new TextEncoder().encode('a,b\n')],
      [`${NS}:/py/a.py`, new TextEncoder().encode('print(1)\n')]
    ]),
    holdsCredential: (bytes) => new TextDecoder().decode(bytes).includes(credential),
    readByLayout: readByLayout(KINDS),
    kinds: DECIDE_KINDS
  })
}

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : bytes)

describe('driftTree', () => {
  it('writes an edited flow into its own file, byte for byte as the server holds it', () => {
    const source = 'id: solo\r\nnamespace: company.team\ntasks: []\n# ui edit\n'
    const { writes } = tree([
      flowDrift(NS, 'solo', 'edited', { file: `${NS}/flows/nested/solo.yml`, source })
    ])
    expect(writes.map((w) => [w.path, text(w.content)])).toEqual([
      [`${NS}/flows/nested/solo.yml`, source]
    ])
  })

  it('puts a flow only in Kestra in its namespace’s folder in the tenant layout, under root', () => {
    const { writes } = tree(
      [flowDrift(NS, 'fresh', 'only-in-kestra'), flowDrift('other.ns', 'x', 'only-in-kestra')],
      shape({ rootRel: 'kestra' })
    )
    expect(writes.map((w) => w.path)).toEqual([
      `kestra/${NS}/flows/fresh.yml`,
      'kestra/other.ns/flows/x.yml'
    ])
  })

  it('in the namespace layout, only the namespace input and its children get a file', () => {
    const s = shape({ layout: 'namespace', namespace: NS })
    const result = tree(
      [
        flowDrift(`${NS}.sub`, 'a', 'only-in-kestra'),
        flowDrift('elsewhere', 'b', 'only-in-kestra')
      ],
      s
    )
    expect(result.writes.map((w) => w.path)).toEqual(['flows/a.yml'])
    expect(result.notBroughtBack.map((n) => n.name)).toEqual(['elsewhere.b'])
  })

  it('in the anywhere layout: next to a flow of the namespace (or a parent’s), else not brought back', () => {
    const s = shape({
      layout: 'anywhere',
      flowFiles: [{ file: 'pipelines/team/solo.yml', namespace: NS }]
    })
    const result = tree(
      [
        flowDrift(`${NS}.child`, 'a', 'only-in-kestra'),
        flowDrift('unknown', 'b', 'only-in-kestra')
      ],
      s
    )
    expect(result.writes.map((w) => w.path)).toEqual(['pipelines/team/a.yml'])
    expect(result.notBroughtBack).toEqual([
      { name: 'unknown.b', reason: 'no folder of the repository holds flows of its namespace' }
    ])
  })

  it('removes a flow deleted in Kestra only in the folder layouts', () => {
    const deleted = flowDrift(NS, 'gone', 'deleted-in-kestra', { file: 'x/gone.yml' })
    expect(tree([deleted]).writes).toEqual([
      { path: 'x/gone.yml', content: undefined, name: `${NS}.gone` }
    ])
    for (const layout of ['anywhere', 'custom'] as const) {
      const result = tree([deleted], shape({ layout }))
      expect(result.writes).toEqual([])
      expect(result.notBroughtBack[0]).toMatchObject({
        path: 'x/gone.yml',
        reason: expect.stringMatching(/kept/)
      })
    }
  })

  it('maps namespace files: a mapping with its prefix first, then the files folder', () => {
    const s = shape({ mappings: [{ dir: 'scripts', namespace: NS, prefix: '/py' }] })
    const result = tree(
      [
        fileDrift(NS, '/py/a.py', 'only-in-kestra'),
        fileDrift(NS, '/new/data.csv', 'only-in-kestra'),
        fileDrift(NS, '/unread.txt', 'only-in-kestra'),
        fileDrift(NS, '/edited.txt', 'edited', {
          file: `${NS}/files/edited.txt`,
          bytes: new Uint8Array([0, 1])
        })
      ],
      s
    )
    expect(result.writes.map((w) => w.path)).toEqual([
      `${NS}/files/edited.txt`,
      `${NS}/files/new/data.csv`,
      'scripts/a.py'
    ])
    expect(result.notBroughtBack).toEqual([
      { name: `${NS}:/unread.txt`, reason: 'the server copy was not read' }
    ])
  })

  it('never replaces a file the commit holds, and never writes a credential', () => {
    const result = tree(
      [
        flowDrift(NS, 'README', 'only-in-kestra'),
        flowDrift(NS, 'leak', 'only-in-kestra', { source: 'password: sekret-value\n' })
      ],
      shape({ paths: new Set([`${NS}/flows/README.yml`]) })
    )
    expect(result.writes).toEqual([])
    expect(result.notBroughtBack.map((n) => n.reason)).toEqual([
      'the path is taken by another file of the repository',
      'its content in Kestra holds a credential of this run: never written to Git'
    ])
  })

  it('over any server paths and ids: one write per path, each inside the repository', () => {
    const segment = fc.oneof(
      fc.constantFrom('', '.', '..', '.git', 'a', 'b c', '\u00e9'),
      fc.string({ maxLength: 4 })
    )
    const path = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .map((parts) => `/${parts.join('/')}`)
    const id = fc.oneof(fc.constantFrom('a', '../x', 'a/b', '.hidden'), fc.string({ maxLength: 5 }))
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            path.map((p) => ({ p })),
            id.map((i) => ({ i }))
          ),
          { maxLength: 12 }
        ),
        fc.constantFrom('tenant' as const, 'namespace' as const, 'anywhere' as const),
        (picks, layout) => {
          const items = picks.map((pick) =>
            'p' in pick
              ? fileDrift(NS, pick.p, 'only-in-kestra')
              : flowDrift(NS, pick.i, 'only-in-kestra')
          )
          const s = shape({
            layout,
            namespace: NS,
            mappings: [{ dir: 'm', namespace: NS, prefix: '' }]
          })
          const { writes } = driftTree({
            items,
            shape: s,
            serverCopies: new Map(items.map((i) => [i.name, new Uint8Array([1])])),
            holdsCredential: () => false,
            readByLayout: readByLayout(KINDS),
            kinds: DECIDE_KINDS
          })
          const paths = writes.map((w) => w.path)
          expect(new Set(paths).size).toBe(paths.length)
          for (const p of paths) {
            expect(p.split('/').some((part) => ['', '.', '..', '.git'].includes(part))).toBe(false)
            expect(s.paths.has(p)).toBe(false)
          }
        }
      ),
      { numRuns: runs(RUNS, 60), seed: SEED }
    )
  })
})
