/**
 * Validate mode against the emulator reports server-only findings on the right line
 * (docs/validation.md#server-validation),
 * and no credential text appears anywhere the step shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'

const USER = 'kestra-admin@example.com'
const PASSWORD = 'Vry-Secr3t-Passw0rd'
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')

const FLOW = `id: unknown_type
namespace: company.team
tasks:
  - id: fine
    type: io.kestra.plugin.core.log.Log
    message: ok
  - id: broken
    type: io.kestra.plugin.core.log.UnknownLogger
    message: nope
`

let kestra: Emulator
beforeAll(async () => {
  kestra = await startEmulator({
    version: '0.20.7',
    basicAuth: { username: USER, password: PASSWORD }
  })
})
afterAll(async () => kestra?.close())

function validate(inputs: Record<string, string>) {
  const repo = createGitRepo({ 'company.team/flows/unknown.yml': FLOW })
  return runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: { mode: 'validate', server: kestra.url, ...inputs }
  })
}

describe('server-side validation, end to end', () => {
  it('reports an unknown task type (only the server knows plugins) on the task line', async () => {
    const result = await validate({ username: USER, password: PASSWORD })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find(
      (a) => a.severity === 'error' && a.file === 'company.team/flows/unknown.yml'
    )
    expect(error, result.stdout).toBeDefined()
    expect(error!.message).toContain('io.kestra.plugin.core.log.UnknownLogger')
    expect(error!.line).toBe(8)
    expect(kestra.requests.some((r) => r.route === 'flows.validate')).toBe(true)
  })

  it('sizes its requests for the repository: one a place of the concurrency once each would carry more than 250 flows', async () => {
    kestra.clearLog()
    const files: Record<string, string> = { 'company.team/flows/unknown.yml': FLOW }
    for (let i = 0; i < 599; i++) {
      files[`company.team/flows/f${i}.yml`] =
        `id: f${i}\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
    }
    const repo = createGitRepo(files)
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      sha: repo.head(),
      inputs: {
        mode: 'validate',
        server: kestra.url,
        username: USER,
        password: PASSWORD,
        concurrency: '2'
      }
    })
    expect(result.exitCode).toBe(1)
    const errors = result.annotations.filter((a) => a.severity === 'error' && a.file)
    expect(errors.map((a) => [a.file, a.line])).toEqual([['company.team/flows/unknown.yml', 8]])
    // 600 flows at 2 in flight: 2 requests of 300, where batches of 250 took 3.
    const sent = kestra.requests.filter((r) => r.route === 'flows.validate')
    expect(sent).toHaveLength(2)
  })

  it('skips the server with server-validation: false', async () => {
    kestra.clearLog()
    const result = await validate({
      username: USER,
      password: PASSWORD,
      'server-validation': 'false'
    })
    expect(result.exitCode).toBe(0)
    expect(kestra.requests.filter((r) => r.route === 'flows.validate')).toEqual([])
  })

  it('fails at once on wrong credentials, says what to check, and never shows them', async () => {
    const result = await validate({ username: USER, password: 'Wrong-Passw0rd-123' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/401/)
    expect(result.stdout).toMatch(/username\/password or api-token/)
    for (const secret of [
      'Wrong-Passw0rd-123',
      Buffer.from(`${USER}:Wrong-Passw0rd-123`).toString('base64')
    ]) {
      const visible = result.everything.split('\n').filter((l) => !l.startsWith('::add-mask::'))
      expect(visible.join('\n')).not.toContain(secret)
    }
  })

  it('never shows the credentials of a successful run', async () => {
    const result = await validate({ username: USER, password: PASSWORD })
    const visible = result.everything
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    expect(visible).not.toContain(PASSWORD)
    expect(visible).not.toContain(BASIC)
    expect(result.masked).toEqual(expect.arrayContaining([PASSWORD, BASIC]))
  })

  it('follows the server version: a flow id reserved in 1.x warns on 0.x and on 2.0, fails on 1.x', async () => {
    const reserved = `id: pause\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
    const repo = createGitRepo({ 'company.team/flows/pause.yml': reserved })
    const run = (server: string) =>
      runAction({
        workspace: repo.dir,
        eventName: 'workflow_dispatch',
        sha: repo.head(),
        inputs: { mode: 'validate', server, username: USER, password: PASSWORD }
      })
    const old = await run(kestra.url)
    expect(old.exitCode, old.stdout).toBe(0)
    expect(old.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'company.team/flows/pause.yml',
        line: 1
      })
    )
    const current = await startEmulator({
      version: '1.3.2',
      basicAuth: { username: USER, password: PASSWORD }
    })
    try {
      const result = await run(current.url)
      expect(result.exitCode).toBe(1)
      const error = result.annotations.find(
        (a) => a.severity === 'error' && a.title === 'kestra-gitops: reserved-flow-id'
      )
      expect(error, result.stdout).toMatchObject({ file: 'company.team/flows/pause.yml', line: 1 })
      expect(error!.message).toContain("Flow id 'pause' is reserved in Kestra 1.x")
      // The 1.x server refuses it too, as its FlowValidator does.
      expect(result.annotations).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          title: 'kestra-gitops: server-constraint',
          message: expect.stringContaining('Flow id is a reserved keyword: pause')
        })
      )
    } finally {
      await current.close()
    }
    // 2.0.0's validation no longer checks it (the released core accepts a flow `pause`).
    const two = await startEmulator({
      version: '2.0.0',
      basicAuth: { username: USER, password: PASSWORD }
    })
    try {
      const result = await run(two.url)
      expect(result.exitCode, result.stdout).toBe(0)
      expect(result.annotations).toContainEqual(
        expect.objectContaining({
          severity: 'warning',
          file: 'company.team/flows/pause.yml',
          line: 1,
          title: 'kestra-gitops: reserved-flow-id'
        })
      )
    } finally {
      await two.close()
    }
  })
})
