/**
 * The seal's derivation on a runner short of memory (scrypt failing to allocate, as OpenSSL does): tried once more,
 * then refused, and a failure is not kept, so a later derivation in the same process may succeed. What a run says
 * then is held by the model's event "a runner short of memory" (__tests__/e2e/model/events.ts).
 */
import * as crypto from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { markerSeal } from '../../../src/engine/record/seal.js'
import type { Auth } from '../../../src/model/settings.js'
import { scryptFault, withScryptFault } from '../../../test-support/scrypt-fault.js'

const CHEAP = { N: 16, r: 1, p: 1 }
const { scrypt } = withScryptFault(crypto)
const auth = (): Auth => ({ kind: 'basic', username: 'deployer', password: 'S3cret-pass' })
const holds = (seal: Awaited<ReturnType<typeof markerSeal>>) =>
  seal?.holds('team', seal.sealed('team', { commit: 'a', checks: {} }))

afterEach(() => {
  scryptFault.failing = 0
})

describe('the seal on a runner short of memory', () => {
  it('a failed derivation is tried once more', async () => {
    scryptFault.failing = 1
    expect(holds(await markerSeal({ auth: auth() }, CHEAP, scrypt))).toBe(true)
    expect(scryptFault.failing).toBe(0)
  })

  it('two failures refuse it with the reason, and the next derivation for the same credentials starts anew', async () => {
    const same = auth()
    scryptFault.failing = 2
    await expect(markerSeal({ auth: same }, CHEAP, scrypt)).rejects.toThrow(/malloc failure/)
    expect(scryptFault.failing).toBe(0)
    expect(holds(await markerSeal({ auth: same }, CHEAP, scrypt))).toBe(true)
  })

  it('a seal-key needs no scrypt', async () => {
    scryptFault.failing = Infinity
    expect(holds(await markerSeal({ auth: auth(), sealKey: 'k'.repeat(32) }, CHEAP, scrypt))).toBe(
      true
    )
  })
})
