import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { flow, loadCommit, loadWorkTree, type Loaded, settingsWith } from '../../layout/support.js'

/** What a base snapshot is built from: identities with their source or content hash, per file. */
function essence(model: Loaded) {
  return {
    flows: model.flows.map((f) => [f.file, f.namespace, f.id, f.source, f.notAFlow]),
    files: model.files.map((f) => [f.file, f.namespace, f.path, f.sha256, f.size, f.absPath]),
    managed: model.managedNamespaces
  }
}

/** The commit read with the work tree's model must be exactly the commit read from scratch. */
async function expectSameAsFullRead(dir: string, sha: string) {
  const settings = settingsWith({})
  const current = await loadWorkTree(settings, dir)
  const reused = await loadCommit(settings, dir, sha, current)
  const full = await loadCommit(settings, dir, sha)
  expect(essence(reused!)).toEqual(essence(full!))
  return reused!
}

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
})
