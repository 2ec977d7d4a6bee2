import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNamespaceFileBytes } from '../../../src/resources/namespace-files/apply.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { flow, loadCommit, loadWorkTree, settingsWith } from '../../layout/support.js'

describe('a commit read from git', () => {
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a, 0x0a, 0xff])
  const repo = createGitRepo({
    'kestra/team/flows/kept.yml': flow('kept', 'team'),
    'kestra/team/flows/removed.yml': flow('removed', 'team'),
    'kestra/team/files/logo.png': binary,
    'kestra/team/files/link.txt': { symlink: '../../shared/data.txt' },
    'kestra/team/files/.kestraignore': 'ignored.txt\n',
    'kestra/team/files/ignored.txt': 'i',
    'kestra/shared/data.txt': 'shared v1',
    'other/flows/x.yml': flow('x', 'other')
  })
  const base = repo.head()
  repo.commit({
    'kestra/team/flows/removed.yml': null,
    'kestra/team/flows/kept.yml': flow('kept', 'team').replace('hi', 'changed'),
    'kestra/shared/data.txt': 'shared v2'
  })
  const settings = settingsWith({ root: 'kestra' })

  it('reads the tree of an older commit with the workspace paths', async () => {
    const model = await loadCommit(settings, repo.dir, base)
    expect(model).toBeDefined()
    expect(model!.workspace).toBe(repo.dir)
    expect(model!.root).toBe(join(repo.dir, 'kestra'))
    expect(model!.rootRel).toBe('kestra')
    expect(model!.flows.map((f) => [f.file, f.rel, f.id])).toEqual([
      ['kestra/team/flows/kept.yml', 'team/flows/kept.yml', 'kept'],
      ['kestra/team/flows/removed.yml', 'team/flows/removed.yml', 'removed']
    ])
    expect(model!.flows[0]!.source).toContain('message: hi')
    expect(model!.readProblems).toEqual([])
  })

  it('gives the committed bytes of namespace files, links included, without readable paths', async () => {
    const model = (await loadCommit(settings, repo.dir, base))!
    const current = await loadWorkTree(settings, repo.dir)
    expect(model.files.map((f) => [f.file, f.path, f.size, f.binary, f.symlink])).toEqual([
      ['kestra/team/files/link.txt', '/link.txt', 9, false, true],
      ['kestra/team/files/logo.png', '/logo.png', binary.length, true, false]
    ])
    const logo = current.files.find((f) => f.path === '/logo.png')!
    expect(model.files[1]!.sha256).toBe(logo.sha256)
    const link = current.files.find((f) => f.path === '/link.txt')!
    expect(model.files[0]!.sha256).not.toBe(link.sha256)
    expect(model.files.every((f) => f.absPath === '')).toBe(true)
    await expect(readNamespaceFileBytes(model.files[1]!)).rejects.toThrow('sha256')
  })

  it('leaves the work tree untouched', async () => {
    await loadCommit(settings, repo.dir, base)
    expect(repo.git('status', '--porcelain')).toBe('')
    expect(readFileSync(join(repo.dir, 'kestra/shared/data.txt'), 'utf8')).toBe('shared v2')
  })

  it('copies nothing anywhere, whether the work tree stands for unchanged files or not', async () => {
    const scratchParent = mkdtempSync(join(tmpdir(), 'kga-test-tmp-'))
    const saved = process.env.TMPDIR
    process.env.TMPDIR = scratchParent
    try {
      const current = await loadWorkTree(settings, repo.dir)
      await loadCommit(settings, repo.dir, base, current)
      await loadCommit(settings, repo.dir, base)
      expect(readdirSync(scratchParent)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
    }
  })

  it('follows links inside the commit as the work tree does, and refuses the others', async () => {
    const links = createGitRepo({
      'team/files/data/a.txt': 'a',
      'team/files/via-folder.txt': { symlink: 'data/a.txt' },
      'team/files/chain.txt': { symlink: 'via-folder.txt' },
      'team/files/folder': { symlink: 'data' },
      'team/files/through/b.txt': { symlink: '../folder/a.txt' },
      'team/files/outside.txt': { symlink: '../../../elsewhere.txt' },
      'team/files/absolute.txt': { symlink: '/etc/hostname' },
      'team/files/dangling.txt': { symlink: 'nothing.txt' },
      'team/files/loop.txt': { symlink: 'loop.txt' },
      'team/files/hidden.txt': { symlink: '.secret/key' },
      'team/files/.secret/key': 'k',
      'team/flows/linked.yml': { symlink: '../files/flow.yml' },
      'team/files/flow.yml': flow('linked', 'team')
    })
    const work = await loadWorkTree(settingsWith({}), links.dir)
    const commit = (await loadCommit(settingsWith({}), links.dir, links.head()))!
    const essence = (model: typeof work) => ({
      flows: model.flows.map((f) => [f.file, f.id, f.source]),
      files: model.files.map((f) => [f.file, f.path, f.sha256, f.symlink, f.symlinkEscapes]),
      problems: model.readProblems.map((p) => [p.file, p.severity])
    })
    expect(essence(commit)).toEqual(essence(work))
    expect(commit.files.find((f) => f.path === '/through/b.txt')?.size).toBe(1)
  })

  it('is undefined for a commit that is not in the local history', async () => {
    expect(await loadCommit(settings, repo.dir, 'deadbeef'.repeat(5))).toBeUndefined()
    expect(await loadCommit(settings, repo.dir, '--output=/tmp/x')).toBeUndefined()
  })

  it('is an empty model for a commit that has no root folder yet', async () => {
    const fresh = createGitRepo({ 'README.md': 'r' })
    const first = fresh.head()
    fresh.commit({ 'kestra/team/flows/a.yml': flow('a', 'team') })
    const model = await loadCommit(settings, fresh.dir, first)
    expect(model).toMatchObject({ flows: [], files: [], managedNamespaces: [] })
    expect(model!.readProblems.map((p) => p.message)).toEqual([
      expect.stringContaining('No flow or namespace file found: the tenant layout')
    ])
  })

  it('reads the tree when the workspace is a subfolder of the git repository', async () => {
    const nested = createGitRepo({
      'app/kestra/team/flows/a.yml': flow('a', 'team'),
      'kestra/team/flows/wrong.yml': flow('wrong', 'team')
    })
    const model = await loadCommit(settings, join(nested.dir, 'app'), nested.head())
    expect(model!.flows.map((f) => f.file)).toEqual(['kestra/team/flows/a.yml'])
  })
})
