/** The fault-injection features this suite added to the Kestra emulator and the fake GitHub API. */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'

let emulator: Emulator | undefined
let github: FakeGitHub | undefined
afterEach(async () => {
  await emulator?.close()
  await github?.close()
  emulator = github = undefined
})

const FLOW =
  'id: hello\nnamespace: team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
const yaml = { 'content-type': 'application/x-yaml' }

describe('emulator faults', () => {
  it('skip lets the first matching requests through, then fails the k-th; route takes a list', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: ['flows.list', 'flows.get'], skip: 2, status: 500 })
    const list = `${emulator.url}/api/v1/main/flows/team`
    const get = `${emulator.url}/api/v1/main/flows/team/x`
    const statuses = []
    for (const url of [list, get, list, get]) statuses.push((await fetch(url)).status)
    expect(statuses).toEqual([200, 404, 500, 404])
  })

  it('afterHandling applies the request, then loses its answer', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'flows.create', reset: true, afterHandling: true })
    const create = () =>
      fetch(`${emulator!.url}/api/v1/main/flows`, { method: 'POST', headers: yaml, body: FLOW })
    await expect(create()).rejects.toThrow()
    expect(emulator.snapshot().flows.map((f) => f.id)).toEqual(['hello'])
    const again = await create()
    expect(again.status).toBe(422)
    expect(await again.text()).toMatch(/already exists/)
  })

  it('afterHandling with a status replaces the real answer after the change', async () => {
    emulator = await startEmulator()
    emulator.inject({ route: 'flows.create', status: 503, afterHandling: true })
    const response = await fetch(`${emulator.url}/api/v1/main/flows`, {
      method: 'POST',
      headers: yaml,
      body: FLOW
    })
    expect(response.status).toBe(503)
    expect(emulator.snapshot().flows).toHaveLength(1)
  })
})

describe('fake GitHub gate', () => {
  it('holds matching requests until the count is reached, then answers them together', async () => {
    github = await startFakeGitHub()
    github.gate({ method: 'GET', path: /\/comments$/, count: 2 })
    const url = `${github.url}/repos/octo/kestra-repo/issues/7/comments`
    const headers = { authorization: 'token t' }
    let first = false
    const one = fetch(url, { headers }).then((r) => ((first = true), r.status))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(first).toBe(false)
    const two = fetch(url, { headers }).then((r) => r.status)
    expect(await Promise.all([one, two])).toEqual([200, 200])
    expect((await fetch(url, { headers })).status).toBe(200)
  })

  it('releases a lone request after the timeout', async () => {
    github = await startFakeGitHub()
    github.gate({ method: 'GET', path: /\/comments$/, count: 2, timeoutMs: 50 })
    const response = await fetch(`${github.url}/repos/octo/kestra-repo/issues/7/comments`, {
      headers: { authorization: 'token t' }
    })
    expect(response.status).toBe(200)
  })
})
