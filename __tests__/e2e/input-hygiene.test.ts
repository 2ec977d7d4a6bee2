/**
 * Hostile or careless repository input is refused with its place named, through the bundled action
 * (docs/security.md#repository-content-is-data).
 */
import { truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'
import { flow } from '../../test-support/scenario.js'

function validate(repo: ReturnType<typeof createGitRepo>, inputs: Record<string, string> = {}) {
  return runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: { mode: 'validate', ...inputs }
  })
}

describe('input hygiene', () => {
  it('reports a NUL byte in a flow as a syntax error on its line', async () => {
    const repo = createGitRepo({
      'team/flows/nul.yml': flow('team', 'nul').replace('hello from nul', 'hello\u0000from nul')
    })
    const result = await validate(repo)
    expect(result.exitCode).toBe(1)
    expect(result.annotations.filter((a) => a.file)).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'team/flows/nul.yml',
        line: 6,
        message: expect.stringContaining('character U+0000 is not allowed in YAML')
      })
    ])
  })

  it('refuses a namespace file over the size limit with one error, without reading it', async () => {
    const repo = createGitRepo({
      'team/flows/a.yml': flow('team', 'a'),
      'team/files/q.sql': 'select 1'
    })
    // Sparse: 2 GiB on the file system's word, nothing on disk. Reading it whole would take 2 GiB.
    const big = join(repo.dir, 'team/files/huge.bin')
    writeFileSync(big, '')
    truncateSync(big, 2 * 1024 ** 3)
    const result = await validate(repo)
    expect(result.exitCode).toBe(1)
    expect(result.annotations.filter((a) => a.severity === 'error' && a.file)).toEqual([
      expect.objectContaining({
        file: 'team/files/huge.bin',
        message: expect.stringContaining('Namespace file is 2048 MiB, over the 100 MiB limit')
      })
    ])
    expect(result.stderr).toBe('')
  })

  it('refuses a flows glob or a mapping that reaches outside root, naming it', async () => {
    const repo = createGitRepo({ 'kestra/flows/a.yml': flow('team', 'a') })
    for (const [inputs, expected] of [
      [{ flows: '../**/*.yml' }, "Input 'flows': '../**/*.yml' reaches outside root"],
      [{ flows: 'flows/*.yml\n/etc/*.yml' }, "Input 'flows': '/etc/*.yml' reaches outside root"],
      [{ 'namespace-files': '../secrets -> team' }, 'DIR must be a folder inside root']
    ] as const) {
      const result = await validate(repo, { layout: 'custom', root: 'kestra', ...inputs })
      expect(result.exitCode).toBe(1)
      expect(result.annotations.map((a) => a.message).join('\n')).toContain(expected)
    }
  })
})
