import { describe, expect, it } from 'vitest'
import type { NamespaceFileEntry } from '../../../src/model/repository.js'
import { model, rules, validateRepository } from '../flows/helpers.js'

function entry(path: string, extra: Partial<NamespaceFileEntry> = {}): NamespaceFileEntry {
  return {
    file: `company/files${path}`,
    rel: `company/files${path}`,
    namespace: 'company',
    path,
    size: 10,
    sha256: '0'.repeat(64),
    binary: false,
    symlink: false,
    symlinkEscapes: false,
    absPath: `/ws/company/files${path}`,
    ...extra
  }
}

const findingsFor = (file: NamespaceFileEntry) => validateRepository(model([], [file]))

describe('namespace file rules', () => {
  it('accepts an ordinary file', () => {
    expect(findingsFor(entry('/scripts/etl.py'))).toEqual([])
  })

  it('refuses a symlink that escapes root, on line 1 with the resource', () => {
    const findings = findingsFor(entry('/link.txt', { symlink: true, symlinkEscapes: true }))
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'file-symlink',
        line: 1,
        file: 'company/files/link.txt',
        resource: 'file:company:/link.txt',
        message: expect.stringContaining(
          'Symlink points outside root (or is dangling or loops): it is never followed; replace it with the file itself'
        )
      })
    ])
  })

  it.each([
    ['/a/../b.txt', "contains '..'"],
    ['/a//b.txt', 'empty segment'],
    ['/a\\b.txt', 'backslash'],
    ['/a\u0007.txt', 'control character'],
    ['/_flows/x.yml', '/_flows'],
    ['/_flows', '/_flows'],
    [`/${'x'.repeat(256)}`, '255'],
    [`/${'a/'.repeat(600)}b`, 'at most 1024']
  ])('refuses the path %j', (path, text) => {
    const findings = findingsFor(entry(path))
    expect(
      findings.some((finding) => finding.rule === 'file-path' && finding.message.includes(text))
    ).toBe(true)
    expect(findings.every((finding) => finding.severity === 'error')).toBe(true)
  })

  it('accepts /_flows2 (only /_flows itself and below are forbidden)', () => {
    expect(findingsFor(entry('/_flows2/x.yml'))).toEqual([])
  })

  it('warns about large files and refuses huge ones', () => {
    expect(rules(findingsFor(entry('/big.bin', { size: 11 * 1024 * 1024 })))).toEqual([
      'warning file-size 1:undefined'
    ])
    expect(rules(findingsFor(entry('/huge.bin', { size: 101 * 1024 * 1024 })))).toEqual([
      'error file-size 1:undefined'
    ])
  })

  it('notes names with spaces or +', () => {
    expect(rules(findingsFor(entry('/my file+1.txt')))).toEqual([
      'notice file-name-encoding 1:undefined'
    ])
  })
})
