/**
 * A test run leaves nothing in the system's temporary folder (docs/architecture.md#tests): every folder it makes
 * goes under one scratch folder, removed when the run ends.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scratchTmpdir } from '../../test-support/scratch.js'

describe('the scratch folder', () => {
  it("is this run's temporary folder, made by the global setup", () => {
    const scratch = process.env.KGA_SCRATCH
    expect(scratch && basename(scratch)).toMatch(/^kga-tests-/)
    expect(tmpdir()).toBe(scratch)
  })

  it('is what os.tmpdir() answers once made, and is removed whole with what is in it', () => {
    const saved = ['TMPDIR', 'TMP', 'TEMP'].map((name) => [name, process.env[name]] as const)
    try {
      const scratch = scratchTmpdir('kga-scratch-test-')
      expect(tmpdir()).toBe(scratch.dir)
      mkdirSync(join(tmpdir(), 'repo', 'flows'), { recursive: true })
      writeFileSync(join(tmpdir(), 'repo', 'flows', 'a.yml'), 'id: a\n')
      scratch.remove()
      expect(existsSync(scratch.dir)).toBe(false)
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})
