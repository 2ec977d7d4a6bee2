import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRepository, loadRepositoryAtCommit, startCommitGitReads } from '../../src/repo/load.js'
import { readNamespaceFileBytes } from '../../src/repo/namespace-files.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { flow, settingsWith } from './support.js'

describe('loadRepositoryAtCommit', () => {
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
    const model = await loadRepositoryAtCommit(settings, repo.dir, base)
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
    const model = (await loadRepositoryAtCommit(settings, repo.dir, base))!
    const current = await loadRepository(settings, repo.dir)
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
    await loadRepositoryAtCommit(settings, repo.dir, base)
    expect(repo.git('status', '--porcelain')).toBe('')
    expect(readFileSync(join(repo.dir, 'kestra/shared/data.txt'), 'utf8')).toBe('shared v2')
  })

  it('leaves no copy of the commit behind, whether it is read or given up', async () => {
    const scratchParent = mkdtempSync(join(tmpdir(), 'kga-test-tmp-'))
    const saved = process.env.TMPDIR
    process.env.TMPDIR = scratchParent
    try {
      const current = await loadRepository(settings, repo.dir)
      const reads = startCommitGitReads(settings, repo.dir, base)
      expect((await reads.copy)?.written.size).toBeGreaterThan(0) // the changed files, early
      await loadRepositoryAtCommit(settings, repo.dir, base, current, reads)
      expect(readdirSync(scratchParent)).toEqual([])

      const abandoned = startCommitGitReads(settings, repo.dir, base)
      await abandoned.copy
      expect(readdirSync(scratchParent)).toHaveLength(1)
      await abandoned.discard()
      expect(readdirSync(scratchParent)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
    }
  })

  it('is undefined for a commit that is not in the local history', async () => {
    expect(await loadRepositoryAtCommit(settings, repo.dir, 'deadbeef'.repeat(5))).toBeUndefined()
    expect(await loadRepositoryAtCommit(settings, repo.dir, '--output=/tmp/x')).toBeUndefined()
  })

  it('is an empty model for a commit that has no root folder yet', async () => {
    const fresh = createGitRepo({ 'README.md': 'r' })
    const first = fresh.head()
    fresh.commit({ 'kestra/team/flows/a.yml': flow('a', 'team') })
    const model = await loadRepositoryAtCommit(settings, fresh.dir, first)
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
    const model = await loadRepositoryAtCommit(settings, join(nested.dir, 'app'), nested.head())
    expect(model!.flows.map((f) => f.file)).toEqual(['kestra/team/flows/a.yml'])
  })
})
