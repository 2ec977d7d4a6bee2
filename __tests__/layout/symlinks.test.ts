import { createHash } from 'node:crypto'
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNamespaceFileBytes } from '../../src/resources/namespace-files/apply.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

const EMPTY_SHA256 = createHash('sha256').digest('hex')

describe('symbolic links', () => {
  const outside = mkdtempSync(join(tmpdir(), 'kga-outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'top secret')
  const repo = createWorkTree({
    'kestra/shared/real.txt': 'shared content',
    'kestra/team/flows/real.yml': flow('real', 'team'),
    'kestra/team/files/inside.txt': { symlink: '../../shared/real.txt' },
    'kestra/team/files/outside.txt': { symlink: join(outside, 'secret.txt') },
    'kestra/team/files/up.txt': { symlink: '../../../README.md' },
    'kestra/team/files/root': { symlink: '/' },
    'kestra/team/files/dangling.txt': { symlink: 'missing.txt' },
    'kestra/team/files/loop-a': { symlink: 'loop-b' },
    'kestra/team/files/loop-b': { symlink: 'loop-a' },
    'kestra/team/files/git-config': { symlink: '../../../.git/config' },
    'kestra/team/files/dotenv': { symlink: '../../shared/.env' },
    'kestra/shared/.env': 'TOKEN=abc',
    'kestra/team/files/linked-dir': { symlink: '../../shared' },
    'kestra/team/files/linked-outside-dir': { symlink: outside },
    'kestra/team/flows/alias.yml': { symlink: 'real.yml' },
    'kestra/team/flows/escape.yml': { symlink: join(outside, 'secret.txt') },
    'README.md': 'readme'
  })
  const load = () => loadWorkTree(settingsWith({ root: 'kestra' }), repo.dir)
  const entry = async (name: string) => {
    const model = await load()
    const found = model.files.find((f) => f.file === `kestra/team/files/${name}`)
    expect(found, name).toBeDefined()
    return found!
  }

  it('follows a link that stays inside root, reading the target', async () => {
    const file = await entry('inside.txt')
    expect(file).toMatchObject({
      path: '/inside.txt',
      symlink: true,
      symlinkEscapes: false,
      size: 14,
      sha256: createHash('sha256').update('shared content').digest('hex'),
      absPath: realpathSync(join(repo.dir, 'kestra/shared/real.txt'))
    })
    expect(Buffer.from(await readNamespaceFileBytes(file)).toString()).toBe('shared content')
  })

  it.each(['outside.txt', 'up.txt', 'dangling.txt', 'loop-a', 'git-config', 'dotenv'])(
    'marks %s as escaping without reading its target',
    async (name) => {
      const file = await entry(name)
      expect(file).toMatchObject({
        symlink: true,
        symlinkEscapes: true,
        size: 0,
        sha256: EMPTY_SHA256,
        binary: false
      })
      await expect(readNamespaceFileBytes(file)).rejects.toThrow(
        `kestra/team/files/${name} is a symbolic link that points outside the root folder`
      )
    }
  )

  it('never enters a linked folder: a warning inside root, an error outside (also for /)', async () => {
    const model = await load()
    expect(model.files.some((f) => f.file.startsWith('kestra/team/files/linked'))).toBe(false)
    const problems = model.readProblems.filter((p) => p.file.includes('linked'))
    expect(problems).toEqual([
      {
        severity: 'warning',
        file: 'kestra/team/files/linked-dir',
        message: expect.stringContaining('linked folders are never followed')
      },
      {
        severity: 'error',
        file: 'kestra/team/files/linked-outside-dir',
        message: expect.stringContaining('outside the root folder')
      }
    ])
    expect(model.files.some((f) => f.file === 'kestra/team/files/root')).toBe(false)
    expect(model.readProblems).toContainEqual({
      severity: 'error',
      file: 'kestra/team/files/root',
      message: expect.stringContaining(
        'a symbolic link to a folder (it points outside the root folder)'
      )
    })
  })

  it('parses a flow linked inside root and refuses one linked outside', async () => {
    const model = await load()
    expect(model.flows.map((f) => [f.file, f.id])).toEqual([
      ['kestra/team/flows/alias.yml', 'real'],
      ['kestra/team/flows/real.yml', 'real']
    ])
    expect(model.readProblems.filter((p) => p.file.endsWith('escape.yml'))).toEqual([
      {
        severity: 'error',
        file: 'kestra/team/flows/escape.yml',
        message: 'a symbolic link that is never followed: it points outside the root folder'
      }
    ])
    expect(JSON.stringify(model)).not.toContain('top secret')
  })

  it('refuses to read a file that was replaced by a link after loading', async () => {
    const swapped = createWorkTree({ 'team/files/a.txt': 'a' })
    const model = await loadWorkTree(settingsWith({}), swapped.dir)
    const file = model.files[0]!
    rmSync(file.absPath)
    symlinkSync(join(outside, 'secret.txt'), file.absPath)
    await expect(readNamespaceFileBytes(file)).rejects.toThrow('ELOOP')
  })

  it('refuses links out of root with a warning naming each, also where no layout folder reads them', async () => {
    writeFileSync(join(outside, 'shared.yml'), flow('shared', 'demo'))
    const anywhere = createWorkTree({
      'flows/a.yml': flow('a', 'demo'),
      'flows/inside.yml': { symlink: 'a.yml' },
      'flows/shared.yml': { symlink: join(outside, 'shared.yml') },
      passwd: { symlink: '/etc/passwd' },
      tools: { symlink: outside },
      'gone.yml': { symlink: 'missing.yml' }
    })
    const model = await loadWorkTree(settingsWith({ layout: 'anywhere' }), anywhere.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['flows/a.yml'])
    expect(model.readProblems.map((p) => [p.severity, p.file, p.message])).toEqual([
      [
        'warning',
        'flows/shared.yml',
        expect.stringMatching(
          /^a symbolic link that is never followed: it points outside the root folder\. Nothing it points to is read/
        )
      ],
      ['warning', 'gone.yml', expect.stringContaining('never followed: its target does not exist')],
      [
        'warning',
        'passwd',
        expect.stringContaining('never followed: it points outside the root folder')
      ],
      [
        'warning',
        'tools',
        expect.stringContaining('never followed: it points outside the root folder')
      ]
    ])
    expect(JSON.stringify(model)).not.toContain('root:x:0:0')
  })
})
