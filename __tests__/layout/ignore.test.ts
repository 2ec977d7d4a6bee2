import { describe, expect, it } from 'vitest'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

describe('.kestraignore and dotfiles', () => {
  it('applies a root .kestraignore and a subfolder one relative to its folder, with negations', async () => {
    const repo = createWorkTree({
      '.kestraignore': '*.tmp\nbuild/\n!.gitkeep\n',
      'team/flows/a.yml': flow('a', 'team'),
      'team/flows/b.tmp.yml': flow('b', 'team'),
      'team/files/scratch.tmp': 'x',
      'team/files/build/out.txt': 'x',
      'team/files/keep/.gitkeep': '',
      'team/files/data/.kestraignore': '*.csv\n!important.csv\n/local.txt\n',
      'team/files/data/a.csv': 'a',
      'team/files/data/important.csv': 'b',
      'team/files/data/local.txt': 'c',
      'team/files/data/sub/local.txt': 'd',
      'team/files/data/sub/x.csv': 'e'
    })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['team/flows/a.yml', 'team/flows/b.tmp.yml'])
    expect(model.files.map((f) => f.path)).toEqual([
      '/data/important.csv',
      '/data/sub/local.txt',
      '/keep/.gitkeep'
    ])
  })

  it('skips dotfiles and dot-folders unless a negation re-includes them, and always skips .git', async () => {
    const repo = createWorkTree({
      'team/files/.env': 'SECRET=1',
      'team/files/.hidden/x.txt': 'x',
      'team/files/.dbt/profiles.yml': 'p: 1',
      'team/files/.gitkeep': '',
      'team/files/visible.txt': 'v',
      'team/flows/.draft.yml': flow('draft', 'team'),
      'team/files/.kestraignore': '!.dbt/\n!.gitkeep\n'
    })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.files.map((f) => f.path)).toEqual([
      '/.dbt/profiles.yml',
      '/.gitkeep',
      '/visible.txt'
    ])
    expect(model.flows).toEqual([])
  })

  it('never reads .git or .kestraignore files as namespace files, even when negated', async () => {
    const repo = createWorkTree({
      '.kestraignore': '!.git/\n!.git\n!.kestraignore\n',
      'readme.txt': 'r',
      'git-config': { symlink: '.git/config' }
    })
    const model = await loadWorkTree(
      settingsWith({ layout: 'custom', 'namespace-files': '. -> team' }),
      repo.dir
    )
    expect(model.files.map((f) => [f.path, f.symlinkEscapes])).toEqual([
      ['/git-config', true],
      ['/readme.txt', false]
    ])
  })

  it('does not read inside a folder that is excluded, even for a negated file', async () => {
    const repo = createWorkTree({
      '.kestraignore': 'vendor/\n!vendor/keep.txt\n',
      'team/files/vendor/keep.txt': 'k',
      'team/files/ok.txt': 'o'
    })
    const model = await loadWorkTree(settingsWith({}), repo.dir)
    expect(model.files.map((f) => f.path)).toEqual(['/ok.txt'])
  })
})
