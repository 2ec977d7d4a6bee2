/**
 * No credential verifier in any record (docs/security.md#what-kestra-holds), through the bundled action: the seal a
 * deploy stores beside the commit marker is not a function of the password that a reader of KV can compute
 * without scrypt at 128 MiB a guess. The previous version's attack (its HKDF-keyed HMAC, tried over a dictionary
 * that holds the password) finds nothing, nor does a cheaper scrypt; the seal is reproduced only through scrypt at
 * the cost the action pays, with a salt of the server and tenant. With `seal-key` the seal depends on that key
 * alone. A marker an earlier version sealed is read as unsealed: its stores are not used, and the deploy rewrites it.
 */
import { createHash, createHmac, hkdfSync, scryptSync } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import { visibleLog } from '../output-surfaces.js'
import { startStage, type Stage } from '../reliability/stage.js'

const NS = 'company.team'
const MARKER = 'kestra-gitops-commit'
/** Twelve characters, in the repository's own words: the kind of password the earlier seal gave away. */
const PASSWORD = 'kestra-2026!'
const USERNAME = 'deployer@example.com'
const SEAL_KEY = '3f9c1e7a5b2d8046c1e9f7a3b5d20486'

let stage: Stage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

async function deployed(inputs: Record<string, string> = {}) {
  stage = await startStage({
    base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
    change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') },
    emulator: { basicAuth: { username: USERNAME, password: PASSWORD } }
  })
  const result = await stage.deploy({ username: USERNAME, password: PASSWORD, ...inputs })
  expect(result.exitCode, result.stdout).toBe(0)
  return stage
}

function storedMarker(s: Stage): Record<string, unknown> {
  const value = s.kestra.snapshot().kv.find((e) => e.namespace === NS && e.key === MARKER)!.value
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>
}

/** The stored seal's HMAC and the text it covers: the namespace, then the marker's JSON, keys sorted. */
function sealOf(marker: Record<string, unknown>): { hmac: string; text: string } {
  const { seal, ...held } = marker
  const [, hmac] = /^seal2:([0-9a-f]{64}):[0-9a-f]{64}$/.exec(String(seal)) ?? []
  expect(hmac, String(seal)).toBeDefined()
  return { hmac: hmac!, text: `${JSON.stringify(NS)}\n${JSON.stringify(held, sorted)}` }
}

function sorted(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, (value as Record<string, unknown>)[key]])
  )
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('hex')

/** A dictionary a reader of KV would try: words of the repository and the server, the password among them. */
const GUESSES = new Set([
  ...['kestra', 'Kestra', 'octo', 'company', 'team', 'deployer', 'admin', 'password'].flatMap(
    (word) =>
      ['', '1', '123', '!', '2025', '2025!', '2026', '2026!', '-2026!', '_2026'].map(
        (tail) => word + tail
      )
  ),
  PASSWORD
])

describe('the seal a deploy stores', () => {
  it('cannot be tested against password guesses without scrypt at 128 MiB a guess', async () => {
    const s = await deployed()
    const { hmac: stored, text } = sealOf(storedMarker(s))
    const secret = (password: string) => `basic\u0000${USERNAME}\u0000${password}`

    // The earlier version's seal: HKDF of the credentials, one HMAC. Every guess, the password included, misses.
    const earlier = [...GUESSES].filter(
      (guess) =>
        hmac(
          Buffer.from(hkdfSync('sha256', secret(guess), 'kestra-gitops marker seal 1', 'main', 32)),
          text
        ) === stored
    )
    expect(earlier).toEqual([])
    // Nor does any fast function of the password, or scrypt below the action's cost.
    const salt = createHash('sha256')
      .update(`kestra-gitops seal 2\u0000${s.kestra.url}\u0000main`)
      .digest()
    const fast = [
      createHash('sha256').update(secret(PASSWORD)).digest(),
      Buffer.from(hkdfSync('sha256', secret(PASSWORD), salt, '', 32)),
      scryptSync(secret(PASSWORD), salt, 32, { N: 2 ** 14, r: 8, p: 1 }),
      scryptSync(secret(PASSWORD), salt, 32, { N: 2 ** 16, r: 8, p: 1, maxmem: 2 ** 28 })
    ]
    expect(fast.map((key) => hmac(key, text) === stored)).toEqual([false, false, false, false])

    // Through scrypt at N = 2^17, r = 8 (128 MiB), salted with this server and tenant, the password gives it.
    const started = performance.now()
    const key = scryptSync(secret(PASSWORD), salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 2 ** 28 })
    const oneGuess = performance.now() - started
    expect(hmac(key, text)).toBe(stored)
    // What one guess costs here (reported, not asserted: the machine is shared).
    console.info(`one guess against the seal: scrypt N=2^17 r=8, ${oneGuess.toFixed(0)} ms`)
    const wrong = scryptSync(secret('kestra-2026?'), salt, 32, {
      N: 2 ** 17,
      r: 8,
      p: 1,
      maxmem: 2 ** 28
    })
    expect(hmac(wrong, text)).not.toBe(stored)
  })

  it('with seal-key, is keyed by that key alone, and a later plan trusts what it sealed', async () => {
    const s = await deployed({ 'seal-key': SEAL_KEY })
    const marker = storedMarker(s)
    const { hmac: stored, text } = sealOf(marker)
    const salt = createHash('sha256')
      .update(`kestra-gitops seal 2\u0000${s.kestra.url}\u0000main`)
      .digest()
    const key = Buffer.from(hkdfSync('sha256', SEAL_KEY, salt, 'kestra-gitops seal-key 2', 32))
    expect(hmac(key, text)).toBe(stored)
    const byPassword = scryptSync(`basic\u0000${USERNAME}\u0000${PASSWORD}`, salt, 32, {
      N: 2 ** 17,
      r: 8,
      p: 1,
      maxmem: 2 ** 28
    })
    expect(hmac(byPassword, text)).not.toBe(stored)
    expect(JSON.stringify(marker)).not.toContain(SEAL_KEY)

    const plan = await s.plan({ username: USERNAME, password: PASSWORD, 'seal-key': SEAL_KEY })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.stdout).toMatch(/Reused the checks of 1 of 1 flow file/)
    expect(plan.stdout).not.toContain('Not used: what the commit marker')
    // Masked as the other secrets, and shown nowhere.
    expect(plan.stdout).toContain(`::add-mask::${SEAL_KEY}`)
    expect(visibleLog(plan.stdout)).not.toContain(SEAL_KEY)
    expect(plan.summary).not.toContain(SEAL_KEY)
  })

  it('an earlier version sealed: read as unsealed, never refused; the next deploy seals it anew', async () => {
    const s = await deployed()
    const genuine = storedMarker(s)
    const { seal: _seal, ...held } = genuine
    const earlier = { ...held, seal: `hmac-sha256:${'ab'.repeat(32)}:${'ab'.repeat(32)}` }
    s.kestra.seed({ kv: [{ namespace: NS, key: MARKER, value: earlier }] })

    const plan = await s.plan({ username: USERNAME, password: PASSWORD })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.stdout).toContain(
      `Not used: what the commit marker of ${NS} keeps besides its commit`
    )
    const again = await s.deploy({ username: USERNAME, password: PASSWORD })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(String(storedMarker(s).seal)).toMatch(/^seal2:/)
  })
})
