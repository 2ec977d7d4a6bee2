/**
 * A server newer than the schema this build carries for its line (docs/validation-rules.md#newer-servers): the run
 * says so once, what that schema does not know is a warning, and the server's validate endpoint decides. Against
 * the emulator reporting 2.0.9 (the bundled schema is 2.0.0's), through the bundled action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'

const FILE = 'company.team/flows/hello.yml'

/** `sinceTwoZeroNine` is no property of 2.0.0's Log: a later release may have added it. */
const NEW_PROPERTY = [
  'id: hello',
  'namespace: company.team',
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi',
  '    sinceTwoZeroNine: true',
  ''
].join('\n')

/** A top-level key 2.0.0's flow lacks, which the server (the emulator, as 2.0.0) refuses. */
const REFUSED_BY_SERVER = NEW_PROPERTY.replace('tasks:', 'sinceTwoZeroNine: true\ntasks:')

let newer: Emulator
let bundled: Emulator
beforeAll(async () => {
  newer = await startEmulator({ version: '2.0.9' })
  bundled = await startEmulator({ version: '2.0.0' })
})
afterAll(async () => {
  await newer?.close()
  await bundled?.close()
})

function validate(server: Emulator, flow: string) {
  const repo = createGitRepo({ [FILE]: flow })
  return runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: { mode: 'validate', server: server.url }
  })
}

describe('a server newer than the bundled schema of its line', () => {
  it("warns of a property the bundled 2.0.0 schema lacks, says why once, and takes the server's verdict", async () => {
    newer.clearLog()
    const result = await validate(newer, NEW_PROPERTY)
    const onLine = result.annotations.filter((a) => a.file === FILE && a.line === 7)
    expect(
      onLine.map((a) => a.severity),
      result.stdout
    ).toEqual(['warning'])
    expect(onLine[0]!.message).toContain(
      "`Log` 'log' has no property `sinceTwoZeroNine`; remove it"
    )
    expect(onLine[0]!.message).toContain(
      "(Kestra 2.0.9 is newer than the 2.0.0 schema this build carries: the server's validation decides.)"
    )
    const said = result.stdout
      .split('\n')
      .filter((line) =>
        line.includes('is newer than the 2.0.0 schema this build carries for its line')
      )
    expect(said).toHaveLength(1)
    expect(newer.requests.some((r) => r.route === 'flows.validate')).toBe(true)
    // The server accepts it: nothing fails.
    expect(result.exitCode, result.stdout).toBe(0)
  })

  it('gives the error when the server refuses what the bundled schema does not know', async () => {
    const result = await validate(newer, REFUSED_BY_SERVER)
    const errors = result.annotations.filter((a) => a.severity === 'error' && a.file === FILE)
    expect(errors.map((a) => a.message).join('\n'), result.stdout).toContain('sinceTwoZeroNine')
    expect(result.exitCode).toBe(1)
  })

  it('keeps the error on a server of the bundled release itself', async () => {
    const result = await validate(bundled, NEW_PROPERTY)
    const onLine = result.annotations.filter((a) => a.file === FILE && a.line === 7)
    expect(onLine.map((a) => a.severity)).toEqual(['error'])
    expect(result.stdout).not.toContain('is newer than the 2.0.0 schema')
    expect(result.exitCode).toBe(1)
  })
})
