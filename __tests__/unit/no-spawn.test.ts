import * as bare from 'child_process'
import * as prefixed from 'node:child_process'
import prefixedDefault from 'node:child_process'
import { describe, expect, it, vi } from 'vitest'
import { gitIsAncestor } from '../../src/adapters/git/ancestry.js'
import { checkNoSpawnAttempts } from '../../test-support/spawn-guard.js'

/** Every function of the real module but the ChildProcess class (and Node's private `_forkChild`). */
const actual = await vi.importActual<Record<string, unknown>>('node:child_process')
const STARTERS = Object.keys(actual).filter(
  (name) => typeof actual[name] === 'function' && name !== 'ChildProcess' && !name.startsWith('_')
)
const RULE =
  'The unit project spawns no process: a test that runs git, npm, a shell script or a bundle belongs in __tests__/e2e/ (docs/architecture.md, "Tests").'

describe('the unit project starts no process', () => {
  it.each([
    ['node:child_process', prefixed],
    ['child_process', bare],
    ['node:child_process (default export)', prefixedDefault]
  ])('every process starter of %s throws, naming the rule', (_, module) => {
    expect(STARTERS).toEqual(expect.arrayContaining(['spawn', 'execFileSync', 'fork']))
    for (const name of STARTERS) {
      const start = (module as unknown as Record<string, (command: string) => unknown>)[name]
      expect(() => start('true')).toThrow(
        `A unit test started a process (child_process.${name}). ${RULE}`
      )
    }
    expect(checkNoSpawnAttempts).toThrow(
      `Attempts: ${STARTERS.map((name) => `${name} true`).join('; ')}`
    )
  })

  it('fails the test even when the code under test catches the error', () => {
    const gitVersion = () => {
      try {
        return prefixed.execFileSync('git', ['--version'], { encoding: 'utf8' })
      } catch {
        return 'cannot tell'
      }
    }
    expect(gitVersion()).toBe('cannot tell')
    expect(checkNoSpawnAttempts).toThrow(
      `child_process.execFileSync). ${RULE}\nAttempts: execFileSync git`
    )
    expect(checkNoSpawnAttempts).not.toThrow()
  })

  it("holds for the sources' own imports too", async () => {
    const sha = 'a'.repeat(40)
    await expect(gitIsAncestor('.')(sha, sha)).rejects.toThrow(RULE)
    expect(checkNoSpawnAttempts).toThrow('Attempts: execFile git')
  })
})
