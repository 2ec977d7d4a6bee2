import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { GitTree } from '../../../src/adapters/git/git-tree.js'
import { createGitRepo, type FileSpec } from '../../../test-support/git-repo.js'
import { flow, loadCommit, loadWorkTree, type Loaded, settingsWith } from '../../layout/support.js'

/** What a base snapshot is built from: identities with their source or content hash, per file. */
function essence(model: Loaded) {
  return {
    flows: model.flows.map((f) => [f.file, f.namespace, f.id, f.source, f.notAFlow]),
    files: model.files.map((f) => [f.file, f.namespace, f.path, f.sha256, f.size, f.absPath]),
    managed: model.managedNamespaces
  }
}

/**
 * The commit read with the work tree's model must be exactly the commit read from scratch; `listed` says whether
 * the read listed the commit's folders (it does not when it takes the work tree's model whole).
 */
async function expectSameAsFullRead(
  dir: string,
  sha: string,
  settings = settingsWith({}),
  { indexed = true } = {}
) {
  const current = await loadWorkTree(settings, dir, {}, { indexed })
  const list = vi.spyOn(GitTree.prototype, 'list')
  const reused = await loadCommit(settings, dir, sha, current)
  const listed = list.mock.calls.length > 0
  list.mockRestore()
  const full = await loadCommit(settings, dir, sha)
  expect(essence(reused!)).toEqual(essence(full!))
  return Object.assign(reused!, { listed })
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a commit read with the work tree model', () => {
  it('reads the change from the commit and takes the rest from the work tree', async () => {
    const repo = createGitRepo({
      'team/flows/kept.yml': flow('kept', 'team'),
      'team/flows/edited.yml': flow('edited', 'team'),
      'team/flows/removed.yml': flow('removed', 'team'),
      'team/files/a.sql': 'select 1\n',
      'team/files/b.bin': Buffer.from([0, 1, 2, 3]),
      'other/flows/x.yml': flow('x', 'other')
    })
    const base = repo.head()
    repo.commit({
      'team/flows/edited.yml': flow('edited', 'team').replace('hi', 'changed'),
      'team/flows/removed.yml': null,
      'team/flows/added.yml': flow('added', 'team'),
      'team/files/a.sql': 'select 2\n'
    })
    const model = await expectSameAsFullRead(repo.dir, base)
    expect(model.flows.map((f) => f.id)).toEqual(['x', 'edited', 'kept', 'removed'])
    expect(model.flows.find((f) => f.id === 'edited')!.source).toContain('message: hi')
    expect(model.files.find((f) => f.path === '/a.sql')!.size).toBe('select 1\n'.length)
  })

  it('gives the committed content of files edited but not committed', async () => {
    const repo = createGitRepo({ 'team/flows/a.yml': flow('a', 'team'), 'team/files/x.txt': 'v1' })
    const base = repo.head()
    repo.write({
      'team/flows/a.yml': flow('a', 'team').replace('hi', 'dirty'),
      'team/files/x.txt': 'v2'
    })
    const model = await expectSameAsFullRead(repo.dir, base)
    expect(model.flows[0]!.source).toContain('message: hi')
  })

  it('applies the commit’s ignore rules when a .kestraignore changed', async () => {
    const repo = createGitRepo({
      'team/files/.kestraignore': 'skipped.txt\n',
      'team/files/skipped.txt': 'not deployed at the base',
      'team/files/kept.txt': 'k'
    })
    const base = repo.head()
    repo.commit({ 'team/files/.kestraignore': null })
    const model = await expectSameAsFullRead(repo.dir, base)
    expect(model.files.map((f) => f.path)).toEqual(['/kept.txt'])
  })

  it('ignores an untracked .kestraignore of the work tree', async () => {
    const repo = createGitRepo({ 'team/files/one.txt': '1', 'team/files/two.txt': '2' })
    const base = repo.head()
    writeFileSync(join(repo.dir, 'team/files/.kestraignore'), 'two.txt\n')
    const model = await expectSameAsFullRead(repo.dir, base)
    expect(model.files.map((f) => f.path)).toEqual(['/one.txt', '/two.txt'])
  })

  it('reads linked files from the commit', async () => {
    const repo = createGitRepo({
      'team/files/link.txt': { symlink: '../../shared/data.txt' },
      'shared/data.txt': 'v1'
    })
    const base = repo.head()
    repo.commit({ 'shared/data.txt': 'v2 longer' })
    const model = await expectSameAsFullRead(repo.dir, base)
    expect(model.files[0]!.size).toBe(2)
  })

  it('takes the work tree’s model whole when the work tree is the commit, and lists nothing', async () => {
    const repo = createGitRepo({
      'team/flows/a.yml': flow('a', 'team'),
      'team/files/x.txt': 'x',
      'other/flows/b.yml': flow('b', 'other')
    })
    const model = await expectSameAsFullRead(repo.dir, repo.head())
    expect(model.listed).toBe(false)
    expect(model.files.map((f) => [f.path, f.absPath])).toEqual([['/x.txt', '']])
  })

  it('reads the commit when the work tree holds one more file than it, even an ignored one', async () => {
    const repo = createGitRepo({
      '.gitignore': 'team/files/out.txt\n',
      'team/flows/a.yml': flow('a', 'team')
    })
    repo.write({ 'team/files/out.txt': 'generated' })
    const model = await expectSameAsFullRead(repo.dir, repo.head())
    expect(model.listed).toBe(true)
    expect(model.files).toEqual([])
  })

  it('reads the commit when a checkout filter gives a file other bytes of the same size', async () => {
    // Git sees no change (the clean filter gives back the blob); the work tree's bytes are not the commit's.
    const repo = createGitRepo({
      '.gitattributes': 'team/** filter=upper\n',
      'team/flows/a.yml': flow('a', 'team'),
      'team/files/x.txt': 'hi\n'
    })
    repo.git('config', 'filter.upper.smudge', 'sed s/hi/HI/')
    repo.git('config', 'filter.upper.clean', 'sed s/HI/hi/')
    repo.write({
      'team/flows/a.yml': flow('a', 'team').replace('hi', 'HI'),
      'team/files/x.txt': 'HI\n'
    })
    expect(repo.git('diff', '--name-only', 'HEAD')).toBe('')
    for (const indexed of [true, false]) {
      const model = await expectSameAsFullRead(repo.dir, repo.head(), settingsWith({}), { indexed })
      expect(model.flows[0]!.source).toContain('message: hi')
    }
  })

  it('reads the commit when an untracked virtual environment hides a folder the commit holds flows in', async () => {
    const repo = createGitRepo({
      'flows/kept.yml': flow('kept', 'team'),
      'pipelines/a.yml': flow('a', 'team')
    })
    repo.write({ 'pipelines/pyvenv.cfg': 'home = /usr/bin\n' })
    const settings = settingsWith({ layout: 'anywhere' })
    expect((await loadWorkTree(settings, repo.dir)).flows.map((f) => f.id)).toEqual(['kept'])
    const model = await expectSameAsFullRead(repo.dir, repo.head(), settings)
    expect(model.flows.map((f) => f.id)).toEqual(['kept', 'a'])
  })
})

/** Paths a repository of the property below draws from: flows, files, ignore files, a virtual environment. */
const PATHS = [
  'team/flows/a.yml',
  'team/flows/b.yml',
  'team/files/x.txt',
  'team/files/sub/y.sql',
  'team/files/.kestraignore',
  'other/flows/c.yaml',
  'other/files/z.bin',
  'docs/readme.md',
  'pipelines/d.yml',
  'pipelines/pyvenv.cfg',
  '.gitignore',
  'team/.gitignore'
]

function contentFor(path: string, variant: number): FileSpec {
  if (path.endsWith('.kestraignore')) return ['x.txt\n', 'sub/\n', '*.sql\n'][variant % 3]!
  if (path.endsWith('.gitignore'))
    return ['team/files/x.txt\n', 'pipelines/\n', '*.bin\n'][variant % 3]!
  if (path.endsWith('pyvenv.cfg')) return 'home = /usr/bin\n'
  if (path.endsWith('.bin')) return Buffer.from([0, variant, 2])
  if (/\.ya?ml$/.test(path)) {
    const [namespace, , name] = path.split('/')
    const id = name?.replace(/\.ya?ml$/, '') ?? 'x'
    return flow(id, namespace === 'pipelines' ? 'team' : namespace!).replace('hi', `v${variant}`)
  }
  return `content ${variant}\n`
}

const filesArb = fc.dictionary(fc.constantFrom(...PATHS), fc.nat({ max: 5 }), { minKeys: 1 })

describe('a commit read with the work tree model, over drawn histories', () => {
  it('is the commit read from scratch, whatever the work tree holds beside it', async () => {
    await fc.assert(
      fc.asyncProperty(
        filesArb,
        fc.dictionary(fc.constantFrom(...PATHS), fc.option(fc.nat({ max: 5 }), { nil: undefined })),
        fc.boolean(),
        fc.constantFrom('tenant', 'anywhere'),
        fc.boolean(),
        async (committed, edits, commitEdits, layout, indexed) => {
          const repo = createGitRepo(
            Object.fromEntries(Object.entries(committed).map(([p, v]) => [p, contentFor(p, v)]))
          )
          const base = repo.head()
          const specs = Object.fromEntries(
            Object.entries(edits).map(([p, v]) => [p, v === undefined ? null : contentFor(p, v)])
          )
          if (commitEdits) repo.commit(specs)
          else repo.write(specs)
          const settings = settingsWith({ layout })
          await expectSameAsFullRead(repo.dir, repo.head(), settings, { indexed })
          await expectSameAsFullRead(repo.dir, base, settings, { indexed })
        }
      ),
      { numRuns: 25 }
    )
  })
})
