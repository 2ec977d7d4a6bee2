/**
 * `script/kestra-engine` asked for a Kestra it cannot start says so in three lines that name the releases it
 * starts (test-support/kestra-releases.ts), never with Maven's dump: a word that is no release number before
 * anything runs, a release whose platform BOM Maven does not find (1.3.30) after Maven's answer, its log kept
 * in the folder. Starting and stopping an engine is the engine project's (test-support/engine-setup.ts), and
 * the README's lines against a running one are `engine/readme-engine.test.ts`'s.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { engineRequired, engineUnavailable } from '../../test-support/kestra-engine.js'
import { KESTRA_RELEASES } from '../../test-support/kestra-releases.js'
import { PROJECT_ROOT } from '../../test-support/runner.js'

const SCRIPT = join(PROJECT_ROOT, 'script', 'kestra-engine')
const KNOWN = Object.values(KESTRA_RELEASES)
const unavailable = engineUnavailable()

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

function engineScript(...args: string[]) {
  dir = mkdtempSync(join(tmpdir(), 'kga-engine-script-'))
  const result = spawnSync(
    SCRIPT,
    args.map((arg) => arg.replace('DIR', dir!)),
    {
      encoding: 'utf8',
      timeout: 240_000
    }
  )
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function expectNamesTheKnownReleases(stderr: string) {
  for (const version of KNOWN) expect(stderr).toContain(version)
  expect(stderr).toContain(`It starts ${KNOWN.slice(0, -1).join(', ')} and ${KNOWN.at(-1)}`)
}

describe('script/kestra-engine asked for a Kestra it cannot start', () => {
  it('names the releases it starts when the version is no release number, before running Maven', () => {
    const result = engineScript('start', 'latest', 'DIR')
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^kestra-engine: cannot start Kestra latest: not a release number/
    )
    expectNamesTheKnownReleases(result.stderr)
    expect(existsSync(join(dir!, 'maven.log'))).toBe(false)
  })

  it('names them in its usage line', () => {
    const result = engineScript('start')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      `(VERSION: ${KNOWN.slice(0, -1).join(', ')} and ${KNOWN.at(-1)})`
    )
  })

  it.skipIf(unavailable !== undefined && !engineRequired())(
    'says which artifact Maven does not find, in three lines, and keeps its log',
    () => {
      const result = engineScript('start', '1.3.30', 'DIR')
      expect(result.status).toBe(1)
      expect(result.stdout).toBe('')
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines, result.stderr).toHaveLength(3)
      expect(lines[0]).toBe(
        `kestra-engine: cannot start Kestra 1.3.30: Maven finds no io.kestra:platform:pom:1.3.30 (its log: ${dir}/maven.log).`
      )
      expectNamesTheKnownReleases(result.stderr)
      expect(result.stderr).not.toContain('[ERROR]')
      expect(readFileSync(join(dir!, 'maven.log'), 'utf8')).toContain(
        'io.kestra:platform:pom:1.3.30'
      )
      expect(existsSync(join(dir!, 'engine.pid'))).toBe(false)
    }
  )
})
