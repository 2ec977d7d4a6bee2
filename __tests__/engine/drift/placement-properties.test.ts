/**
 * Where the drift pull request writes (docs/drift.md#where-the-drift-pull-request-never-writes), over every
 * path a server can name (any namespace-file path, any flow id and namespace, any dashboard id) × each layout,
 * root and `namespace-files` mapping: every path written is outside `.git…`/`.github` in any spelling a file
 * system or Git may take for one, reads back through the real repository load as exactly the resource it
 * brings back (the files are written to a work tree and loaded as a run loads them), and no two paths of the
 * resulting tree differ only in case or Unicode spelling.
 */
import { readByLayout } from '../../../src/resources/resource.js'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { driftTree } from '../../../src/engine/drift/reports.js'
import { readBackOf } from '../../../src/layout/read-back.js'
import { WorkTree } from '../../../src/adapters/git/work-tree.js'
import { discoverDashboards } from '../../../src/resources/dashboards/gather.js'
import { DECIDE_KINDS, KINDS } from '../../../src/resources/registry.js'
import type { DriftedResource, RepositoryShape } from '../../../src/model/drift.js'
import type { NamespaceFileMapping } from '../../../src/model/inputs/declared.js'
import type { Layout } from '../../../src/model/settings.js'
import { loadWorkTree, settingsWith } from '../../layout/support.js'
import { fileDrift } from './fixtures.js'
import { runs } from '../../../test-support/property-runs.js'
import { anyCodePoint } from '../../../test-support/code-points.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 100)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const NS = 'company.team'

/** Segments a server may name, the spellings of `.git` and `.github` among them, and any text at all. */
const segment = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '.git',
      '.GIT',
      '.Git.',
      '.git ',
      '.git::$INDEX_ALLOCATION',
      'GIT~1',
      'github~2',
      '.github',
      '.GitHub',
      '.github. ',
      '.ｇｉｔｈｕｂ',
      '．git',
      '.g\u200bit',
      '.g\u0131t',
      '.gitmodules',
      '.gitattributes',
      '..',
      '.',
      '',
      'a\\b',
      'workflows',
      'README.md',
      'readme.md',
      'ReadMe.MD',
      'caf\u00e9.txt',
      'cafe\u0301.txt',
      'ﬁle.txt',
      'file.txt',
      'flows',
      'files',
      'py',
      'scripts',
      'x.yml',
      NS,
      'Company.Team'
    )
  },
  { weight: 1, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 6 }) }
)
const filePath = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((parts) => `/${parts.join('/')}`)
  .filter((path) => !path.includes('\0'))
const name = fc.oneof(
  fc.constantFrom('solo', 'Solo', 'SOLO', 'pwn', 'README', 'readme', '.github', 'a-b_c', 'x'),
  fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 8 })
)
const namespace = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(NS, `${NS}.sub`, 'other', 'company', '.github') },
  { weight: 1, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 8 }) }
)
const resource = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), namespace, path: filePath, flow: fc.boolean() }),
  // A resource deleted in Kestra, whose repository file (any path a repository may hold) would be removed.
  fc.record({ kind: fc.constant('deleted' as const), namespace, path: filePath }),
  fc.record({ kind: fc.constant('flow' as const), namespace, id: name }),
  fc.record({ kind: fc.constant('dashboard' as const), id: name })
)
const MAPPINGS: Record<string, NamespaceFileMapping[]> = {
  none: [],
  root: [{ dir: '', namespace: NS, prefix: '' }],
  prefixed: [{ dir: 'scripts', namespace: NS, prefix: '/py' }],
  dotted: [{ dir: '.github', namespace: NS, prefix: '' }],
  nested: [
    { dir: '', namespace: NS, prefix: '' },
    { dir: 'workflows', namespace: `${NS}.sub`, prefix: '/workflows' }
  ]
}

const quoted = (text: string) => JSON.stringify(text)
const flowSource = (ns: string, id: string) =>
  `id: ${quoted(id)}\nnamespace: ${quoted(ns)}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
const dashboardSource = (id: string) => `id: ${quoted(id)}\ntitle: Board\ncharts: []\n`

/** The repository of each layout: a flow, a namespace file, a README, and GitHub's own folder. */
function repository(layout: Layout, root: string): Record<string, string> {
  const under = (path: string) => (root ? `${root}/${path}` : path)
  const files: Record<string, string> = {
    'README.md': '# flows\n',
    '.github/workflows/ci.yml': 'on: push\n'
  }
  const flowFile = {
    tenant: `${NS}/flows/solo.yml`,
    namespace: 'flows/solo.yml',
    anywhere: 'pipelines/solo.yml',
    custom: 'flows/solo.yml'
  }[layout as 'tenant']
  files[under(flowFile)] = flowSource(NS, 'solo')
  if (layout === 'tenant') files[under(`${NS}/files/a.txt`)] = 'a\n'
  if (layout === 'namespace') files[under('files/a.txt')] = 'a\n'
  return files
}

/** How this test reads `.git` names: its own folding, apart from the action's. */
function gitLike(segment: string): boolean {
  const folded = segment
    .replace(/[\u00ad\u200b-\u200f\u2060\ufeff]/g, '')
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .split(':')[0]!
    .replace(/[. ]+$/, '')
  return folded.startsWith('.git') || /^(git|github)~\d/.test(folded)
}

function fold(path: string): string {
  return path.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC')
}

function writeTree(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
}

describe('drift pull request placement, over every server path × layout × mapping', () => {
  it('writes only outside .git/.github, where the load reads back exactly the resource, case-unique', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Layout>('tenant', 'namespace', 'anywhere', 'custom'),
        fc.constantFrom(...Object.keys(MAPPINGS)),
        fc.constantFrom('', 'kestra'),
        fc.array(resource, { minLength: 1, maxLength: 6 }),
        async (layout, mappingName, root, resources) => {
          const mappings = MAPPINGS[mappingName]!
          const settings = settingsWith({
            layout,
            root: root || '.',
            namespace: layout === 'namespace' ? NS : '',
            flows: layout === 'custom' ? 'flows/**/*.yml' : '',
            'namespace-files': mappings
              .map((m) => `${m.dir || '.'} -> ${m.namespace}${m.prefix ? `:${m.prefix}` : ''}`)
              .join('\n')
          })
          const existing = repository(layout, root)
          const items: DriftedResource[] = []
          const serverFiles = new Map<string, Uint8Array>()
          for (const r of resources) {
            if (r.kind === 'deleted') {
              items.push(
                fileDrift(r.namespace, r.path, 'deleted-in-kestra', { file: r.path.slice(1) })
              )
            } else if (r.kind === 'file') {
              const item = fileDrift(r.namespace, r.path, 'only-in-kestra')
              const text = r.flow ? flowSource(r.namespace, 'inside') : 'on: push\n'
              serverFiles.set(item.name, new TextEncoder().encode(text))
              items.push(item)
            } else if (r.kind === 'flow') {
              items.push({
                name: `${r.namespace}.${r.id}`,
                kind: 'only-in-kestra',
                change: {
                  kind: 'flow',
                  namespace: r.namespace,
                  id: r.id,
                  action: 'orphaned',
                  drifted: true,
                  current: { source: flowSource(r.namespace, r.id), revision: 2 }
                }
              })
            } else {
              const source = dashboardSource(r.id)
              items.push({
                name: r.id,
                kind: 'only-in-kestra',
                change: {
                  kind: 'dashboard',
                  namespace: '',
                  section: 'Dashboards',
                  id: r.id,
                  action: 'orphaned',
                  drifted: true,
                  current: { compared: source, source }
                }
              })
            }
          }
          const shape: RepositoryShape = {
            layout,
            rootRel: root,
            namespace: layout === 'namespace' ? NS : undefined,
            mappings,
            flowFiles: Object.entries(existing)
              .filter(([, text]) => text.startsWith('id:'))
              .map(([file]) => ({ file, namespace: NS })),
            paths: new Set(Object.keys(existing)),
            readBack: readBackOf(settings, layout, root)
          }
          const { writes } = driftTree({
            items,
            shape,
            serverCopies: serverFiles,
            holdsCredential: () => false,
            readByLayout: readByLayout(KINDS),
            kinds: DECIDE_KINDS
          })
          const written = writes.filter((w) => w.content !== undefined)

          // Never a .git or .github name, never outside the repository: writes and removals alike.
          for (const { path } of writes) {
            expect(path.startsWith('/') || path.includes('\\'), path).toBe(false)
            for (const part of path.split('/')) {
              expect(['', '.', '..'].includes(part), path).toBe(false)
              expect(gitLike(part), path).toBe(false)
            }
          }
          // Case-unique over the resulting tree, folders included.
          const all = [...new Set([...Object.keys(existing), ...written.map((w) => w.path)])]
          const spellings = new Map<string, string>()
          for (const path of all) {
            const parts = path.split('/')
            for (let i = 1; i <= parts.length; i++) {
              const prefix = parts.slice(0, i).join('/')
              const other = spellings.get(fold(prefix))
              expect(other === undefined || other === prefix, `${prefix} and ${other}`).toBe(true)
              spellings.set(fold(prefix), prefix)
            }
          }
          if (written.length === 0) return
          // Read back through the real load: each written file is exactly the resource it brings back.
          const dir = mkdtempSync(join(tmpdir(), 'kga-placement-'))
          try {
            writeTree(dir, existing)
            writeTree(dir, Object.fromEntries(written.map((w) => [w.path, w.content!])))
            const model = await loadWorkTree(settings, dir)
            const dashboards = await discoverDashboards(new WorkTree(dir, settings.root), layout)
            for (const write of written) {
              const item = items.find((i) => i.name === write.name)!
              const { change } = item
              const flows = model.flows.filter((f) => f.file === write.path && !f.notAFlow)
              const files = model.files.filter((f) => f.file === write.path)
              const boards = dashboards.filter((d) => d.file === write.path)
              const read = [
                ...flows.map((f) => `flow ${f.namespace}.${f.id}`),
                ...files.map((f) => `file ${f.namespace}:${f.path}`),
                ...boards.map(() => `dashboard`)
              ]
              const expected =
                change.kind === 'flow'
                  ? `flow ${change.namespace}.${change.id}`
                  : change.kind === 'file'
                    ? `file ${change.namespace}:${change.path}`
                    : 'dashboard'
              expect(read, `${write.path} brings back ${item.name}`).toEqual([expected])
            }
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        }
      ),
      { numRuns: runs(RUNS, 25), seed: SEED }
    )
  })

  it('brings back a flow made in the UI under any id Kestra accepts (dots included: etl.v2), in every layout, where the load reads it back as that flow', async () => {
    // Kestra's flow id pattern (docs/kestra.md#flow-top-level-keys): ^[a-zA-Z0-9][a-zA-Z0-9._-]*$.
    const kestraId = fc
      .oneof(
        fc.constantFrom('etl.v2', 'a.b.c', 'x..y', 'end.', 'v1.0-rc_2', 'A'),
        fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,24}$/)
      )
      // The repository's own flow is `solo`: a case twin of it is refused for its own reason.
      .filter((id) => id.toLowerCase() !== 'solo')
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Layout>('tenant', 'namespace', 'anywhere', 'custom'),
        fc.constantFrom('', 'kestra'),
        kestraId,
        async (layout, root, id) => {
          const settings = settingsWith({
            layout,
            root: root || '.',
            namespace: layout === 'namespace' ? NS : '',
            flows: layout === 'custom' ? 'flows/**/*.yml' : ''
          })
          const existing = repository(layout, root)
          const { writes, notBroughtBack } = driftTree({
            items: [
              {
                name: `${NS}.${id}`,
                kind: 'only-in-kestra',
                change: {
                  kind: 'flow',
                  namespace: NS,
                  id,
                  action: 'orphaned',
                  drifted: true,
                  current: { source: flowSource(NS, id), revision: 1 }
                }
              }
            ],
            shape: {
              layout,
              rootRel: root,
              namespace: layout === 'namespace' ? NS : undefined,
              mappings: [],
              flowFiles: Object.entries(existing)
                .filter(([, text]) => text.startsWith('id:'))
                .map(([file]) => ({ file, namespace: NS })),
              paths: new Set(Object.keys(existing)),
              readBack: readBackOf(settings, layout, root)
            },
            serverCopies: new Map(),
            holdsCredential: () => false,
            readByLayout: readByLayout(KINDS),
            kinds: DECIDE_KINDS
          })
          expect(notBroughtBack).toEqual([])
          expect(writes).toHaveLength(1)
          const [write] = writes
          expect(write!.path.endsWith(`/${id}.yml`)).toBe(true)
          // Loaded as a run loads it, the tree holds exactly that flow there.
          const dir = mkdtempSync(join(tmpdir(), 'kga-drift-id-'))
          try {
            writeTree(dir, { ...existing, [write!.path]: write!.content! })
            const model = await loadWorkTree(settings, dir)
            const at = model.flows.find((f) => f.file === write!.path)
            expect(at && { namespace: at.namespace, id: at.id }).toEqual({ namespace: NS, id })
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        }
      ),
      { numRuns: runs(RUNS, 25), seed: SEED }
    )
  })

  it('names the root mapping’s /.github/workflows/pwn.yml instead of writing it, in every layout', () => {
    for (const layout of ['tenant', 'namespace', 'anywhere', 'custom'] as const) {
      const settings = settingsWith({
        layout,
        namespace: layout === 'namespace' ? NS : '',
        flows: layout === 'custom' ? 'flows/**/*.yml' : '',
        'namespace-files': '. -> company.team'
      })
      const item = fileDrift(NS, '/.github/workflows/pwn.yml', 'only-in-kestra')
      const { writes, notBroughtBack } = driftTree({
        items: [item],
        shape: {
          layout,
          rootRel: '',
          namespace: NS,
          mappings: [{ dir: '', namespace: NS, prefix: '' }],
          flowFiles: [],
          paths: new Set(),
          readBack: readBackOf(settings, layout, '')
        },
        serverCopies: new Map([[item.name, new TextEncoder().encode('on: push\n')]]),
        holdsCredential: () => false,
        readByLayout: readByLayout(KINDS),
        kinds: DECIDE_KINDS
      })
      expect(writes).toEqual([])
      expect(notBroughtBack).toEqual([
        {
          name: `${NS}:/.github/workflows/pwn.yml`,
          path: '.github/workflows/pwn.yml',
          reason: expect.stringMatching(/\.github.*never written from Kestra/)
        }
      ])
    }
  })
})
