/**
 * The seal of what a commit marker stores (docs/performance.md#what-kv-can-do-to-it): over random markers, a
 * sealed marker is trusted in its own namespace, after a trip through JSON in any key order; any change of a
 * value, any entry left out or added, a move to another namespace, another commit or repository beside the
 * same stores, a seal of other credentials or of another tenant, and any marker at all without credentials,
 * reads it as its commit and repository alone: what the kinds keep in it (any other field) is left out. No credential appears in a sealed marker.
 * The logic is tested with a cheap scrypt; the cost the action pays is held by
 * __tests__/e2e/security/seal-guessing.test.ts.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  markerSeal,
  sortedCopy,
  trustedMarker,
  type MarkerSeal,
  type SealSource
} from '../../../src/engine/record/seal.js'
import type { Auth } from '../../../src/model/settings.js'
import { runs } from '../../../test-support/property-runs.js'

const BASIC: Auth = { kind: 'basic', username: 'deployer', password: 'S3cret-pass' }
const SERVER = 'https://kestra.example.com'
const CHEAP = { N: 16, r: 1, p: 1 }
const sealOf = async (source: Partial<SealSource>) =>
  (await markerSeal({ auth: BASIC, server: SERVER, tenant: 'main', ...source }, CHEAP))!
let seal: MarkerSeal
beforeAll(async () => {
  seal = await sealOf({})
})

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 })
  )
})).value

const marker = fc.record({
  commit: fc.stringMatching(/^[0-9a-f]{40}$/),
  repository: fc.constantFrom('octo/repo', 'other/repo'),
  checks: fc.dictionary(fc.stringMatching(/^[0-9a-f]{64}$/), json, { minKeys: 1, maxKeys: 4 }),
  contents: fc.record({
    blobs: fc.dictionary(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string(), { maxKeys: 3 }),
    zipped: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 })
  })
})
const namespace = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(\.[a-z][a-z0-9]{0,6}){0,2}$/)

/** The marker as the server gives it back: through JSON, its keys in another order. */
function roundTrip(value: Record<string, unknown>): Record<string, unknown> {
  const reorder = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reorder)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, inner]) => [k, reorder(inner)])
          )
        : v
  return reorder(JSON.parse(JSON.stringify(value))) as Record<string, unknown>
}

/** A JSON object or array, indexed by key. */
type Held = Record<string, unknown>

/** What is left of a marker no seal vouches for: its own fields, the commit and the repository. */
const stripped = (marker: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(marker).filter(([key]) => OWN.includes(key)))
const OWN = ['commit', 'repository']
/** Whether a marker keeps nothing besides its own fields (and a seal): it needs no seal to be read whole. */
const keepsNothing = (marker: Record<string, unknown>) =>
  Object.keys(marker).every((key) => [...OWN, 'seal'].includes(key))

/** Every way a writer of KV without the key can change a sealed marker, by the path it changes. */
function tamperings(sealed: Record<string, unknown>): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = []
  const visit = (value: unknown, path: string[]) => {
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value)
      for (const [key, inner] of entries) {
        // The entry left out (a truncated record), then its value changed.
        const without = structuredClone(sealed)
        const parent = path.reduce<Held>((at, k) => at[k] as Held, without)
        if (Array.isArray(parent)) (parent as unknown[]).splice(Number(key), 1)
        else delete parent[key]
        out.push([`without ${[...path, key].join('.')}`, without])
        visit(inner, [...path, key])
      }
      const added = structuredClone(sealed)
      const at = path.reduce<Held>((held, k) => held[k] as Held, added)
      if (!Array.isArray(at)) at[`added${entries.length}`] = 'x'
      else (at as unknown[]).push('x')
      out.push([`added under ${path.join('.')}`, added])
      return
    }
    if (path[0] === 'seal') return
    const changed = structuredClone(sealed)
    const parent = path.slice(0, -1).reduce<Held>((at, k) => at[k] as Held, changed)
    const last = path.at(-1)!
    parent[last] =
      typeof value === 'string'
        ? `${value}x`
        : typeof value === 'number'
          ? value + 1
          : value === null
            ? 0
            : !value
    out.push([`changed ${path.join('.')}`, changed])
  }
  visit(sealed, [])
  return out
}

function trusts(s: MarkerSeal | undefined, ns: string, value: Record<string, unknown>) {
  return trustedMarker(s, ns, value)
}

describe('the seal of a commit marker', () => {
  it('seals the text a sorting replacer writes, so that the seals of earlier releases still hold', () => {
    // The earlier releases' replacer, kept here as the reference.
    const replacer = (_key: string, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, (value as Record<string, unknown>)[key]])
          )
        : value
    const keyed = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('__proto__', 'toString', '1', '01')
    )
    const value = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('json'), { maxLength: 3 }),
        fc.dictionary(keyed, tie('json'), { maxKeys: 4 })
      )
    })).json
    fc.assert(
      fc.property(value, (v) => {
        const parsed: unknown = JSON.parse(JSON.stringify(v) ?? 'null')
        expect(JSON.stringify(sortedCopy(parsed))).toBe(JSON.stringify(parsed, replacer))
      }),
      { numRuns: runs(1000, 200) }
    )
  })

  it('is trusted in its own namespace after a trip through JSON, in any key order', () => {
    fc.assert(
      fc.property(marker, namespace, (m, ns) => {
        const sealed = seal.sealed(ns, m)
        expect(trusts(seal, ns, roundTrip(sealed))).toEqual({
          marker: roundTrip(sealed),
          trusted: true
        })
      })
    )
  })

  it('holds for nothing else: every change, omission and addition, another namespace, other credentials, key, server or tenant', async () => {
    const others = await Promise.all([
      sealOf({ auth: { kind: 'basic', username: 'deployer', password: 'other' } }),
      sealOf({ auth: { kind: 'basic', username: 'other', password: 'S3cret-pass' } }),
      sealOf({ tenant: 'team' }),
      sealOf({ server: 'https://kestra.example.org' }),
      sealOf({ auth: { kind: 'bearer', token: 'S3cret-pass' } }),
      sealOf({ sealKey: 'k'.repeat(32) }),
      sealOf({ sealKey: 'k'.repeat(32), tenant: 'team' })
    ])
    fc.assert(
      fc.property(marker, namespace, namespace, (m, ns, elsewhere) => {
        const sealed = seal.sealed(ns, m)
        for (const [how, value] of tamperings(sealed)) {
          const seen = trusts(seal, ns, value)
          const readWhole = keepsNothing(value)
          expect(seen.trusted, how).toBe(readWhole)
          if (!readWhole) expect(seen.marker, how).toEqual(stripped(value))
        }
        if (elsewhere !== ns) expect(trusts(seal, elsewhere, sealed).trusted).toBe(false)
        for (const other of others) {
          expect(trusts(seal, ns, other.sealed(ns, m)).trusted).toBe(false)
          expect(trusts(other, ns, sealed).trusted).toBe(false)
        }
        // A store spliced beside another commit: the seal names the commit it was made with.
        const replayed = { ...sealed, commit: 'f'.repeat(40) }
        expect(trusts(seal, ns, replayed)).toEqual({ marker: stripped(replayed), trusted: false })
      }),
      { numRuns: runs(50, 15) }
    )
  })

  it('holds any field besides the commit to the seal, not only those this version keeps', () => {
    const field = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((key) => ![...OWN, 'seal', '__proto__'].includes(key))
    fc.assert(
      fc.property(marker, namespace, field, json, (m, ns, key, value) => {
        const later = { commit: m.commit, repository: m.repository, [key]: value }
        expect(trusts(seal, ns, later)).toEqual({ marker: stripped(later), trusted: false })
        expect(trusts(undefined, ns, later).trusted).toBe(false)
        const sealed = roundTrip(seal.sealed(ns, later))
        expect(trusts(seal, ns, sealed)).toEqual({ marker: sealed, trusted: true })
      }),
      { numRuns: runs(100, 30) }
    )
  })

  it('a seal-key keys it alone: the same whatever the credentials, none included', async () => {
    const key = 'f3a9'.repeat(8)
    const byKey = await sealOf({ sealKey: key })
    const m = { commit: 'a'.repeat(40), repository: 'o/r', checks: {} }
    for (const auth of [{ kind: 'none' } as const, { kind: 'bearer', token: 't' } as const]) {
      expect(
        trusts(await sealOf({ auth, sealKey: key }), 'ns', byKey.sealed('ns', m)).trusted
      ).toBe(true)
    }
    expect(trusts(seal, 'ns', byKey.sealed('ns', m)).trusted).toBe(false)
  })

  it('a seal of an earlier version (hmac-sha256, keyed without a KDF) is no seal: its stores are not used', () => {
    const m = { commit: 'a'.repeat(40), repository: 'o/r', checks: {} }
    const [, hex] = /^seal2:([0-9a-f]{64}):/.exec(String(seal.sealed('ns', m).seal))!
    const earlier = { ...m, seal: `hmac-sha256:${hex}:${hex}` }
    expect(trusts(seal, 'ns', earlier)).toEqual({ marker: stripped(earlier), trusted: false })
  })

  it('is derived once for the same credentials, server and tenant', async () => {
    expect(await markerSeal({ auth: BASIC, server: SERVER, tenant: 'main' }, CHEAP)).toBe(seal)
  })

  it('without credentials, nothing stored is trusted; a marker storing nothing is taken as it is', async () => {
    expect(await markerSeal({ auth: { kind: 'none' }, tenant: 'main' })).toBeUndefined()
    const sealed = seal.sealed('company.team', {
      commit: 'a'.repeat(40),
      repository: 'o/r',
      checks: {}
    })
    expect(trusts(undefined, 'company.team', sealed)).toEqual({
      marker: { commit: 'a'.repeat(40), repository: 'o/r' },
      trusted: false
    })
    const plain = { commit: 'a'.repeat(40), repository: 'o/r' }
    expect(trusts(undefined, 'company.team', plain)).toEqual({ marker: plain, trusted: true })
  })

  it('names no credential: the marker holds an HMAC, never the key or what it is derived from', () => {
    const sealed = JSON.stringify(
      seal.sealed('company.team', { commit: 'a'.repeat(40), checks: {} })
    )
    expect(sealed).toMatch(/"seal":"seal2:[0-9a-f]{64}:[0-9a-f]{64}"/)
    for (const text of [
      'deployer',
      'S3cret-pass',
      Buffer.from('deployer:S3cret-pass').toString('base64')
    ]) {
      expect(sealed).not.toContain(text)
    }
    expect(Object.keys(seal)).toEqual(['sealed', 'holds'])
  })
})
