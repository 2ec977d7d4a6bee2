import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY, parseMarker } from '../../src/deploy/commit-marker.js'
import type { IsAncestor } from '../../src/deploy/git-ancestry.js'
import { ApiError } from '../../src/kestra/errors.js'
import { FakeKestra, flowSource } from './fake-kestra.js'
import { planFor } from './plan-for.js'
import { runDeploy, SETTINGS } from './run-deploy.js'

/** The checkout's history, A then B then C, as git answers about it (e2e/deploy/git-ancestry.test.ts). */
const [A, B, C] = ['a1', 'b2', 'c3'].map((prefix) => prefix.padEnd(40, '0'))
const HISTORY = [A, B, C]
const isAncestor: IsAncestor = async (ancestor, descendant) =>
  HISTORY.includes(ancestor) && HISTORY.includes(descendant)
    ? HISTORY.indexOf(ancestor) <= HISTORY.indexOf(descendant)
    : undefined

const MARKER = `team/${COMMIT_MARKER_KEY}`
const UNKNOWN = 'f'.repeat(40)

function serverAt(commit: string, repository = 'acme/flows') {
  const server = new FakeKestra()
  server.kv.set(MARKER, { commit, repository })
  return server
}
const deployCommit = (server: FakeKestra, commit: string, extra: object = {}) =>
  runDeploy(server, planFor(server, { flows: [flowSource('team', 'a', commit)] }), {
    commit,
    isAncestor,
    ...extra
  })

describe('out-of-order guard', () => {
  it('refuses a commit older than the one already deployed, writing nothing', async () => {
    const server = serverAt(B)
    const result = await deployCommit(server, A)
    expect(result.status).toBe('refused')
    expect(result.refusal).toBe(
      `Nothing was deployed: commit ${A.slice(0, 12)} is older than ${B.slice(0, 12)} already deployed to namespace team; to roll back, push a revert commit.`
    )
    expect(result.resources.map((r) => r.result)).toEqual(['skipped'])
    expect(server.writes).toEqual([])
  })

  it('deploys the recorded commit again, and a newer one', async () => {
    const server = serverAt(B)
    expect((await deployCommit(server, B)).status).toBe('applied')
    expect(server.writes).toEqual(['createFlow team/a'])

    expect((await deployCommit(server, C)).status).toBe('applied')
    expect(server.kv.get(MARKER)).toEqual({ commit: C, repository: 'acme/flows' })
  })

  it('deploys an older commit when allow-out-of-order is set, with a warning', async () => {
    const server = serverAt(B)
    const result = await deployCommit(server, A, {
      settings: { ...SETTINGS, allowOutOfOrder: true }
    })
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([
      expect.stringContaining(
        `allow-out-of-order is set, deploying anyway: commit ${A.slice(0, 12)}`
      )
    ])
    expect(server.kv.get(MARKER)).toEqual({ commit: A, repository: 'acme/flows' })
  })

  it('proceeds with a warning when the recorded commit is unknown to the checkout', async () => {
    const server = serverAt(UNKNOWN)
    const result = await deployCommit(server, A)
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([expect.stringContaining('fetch-depth: 0')])
  })

  it('proceeds with a warning when another repository deployed the namespace', async () => {
    const server = serverAt(B, 'acme/other')
    const result = await deployCommit(server, A)
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([
      expect.stringContaining('Namespace team was last deployed from acme/other')
    ])
  })
})

describe('deployed-commit marker', () => {
  it('is written after a successful deploy, and only when it changes', async () => {
    const server = new FakeKestra()
    const desired = { flows: [flowSource('team', 'a'), flowSource('ops', 'b')] }
    const first = await runDeploy(server, planFor(server, desired), { commit: B, isAncestor })
    expect(first.markedNamespaces).toEqual(['ops', 'team'])
    expect(server.kv.get(MARKER)).toEqual({ commit: B, repository: 'acme/flows' })

    const writes = server.writes.length
    const again = await runDeploy(server, planFor(server, desired), { commit: B, isAncestor })
    expect(again.markedNamespaces).toEqual([])
    expect(server.writes.length).toBe(writes)

    // A later commit that changes no resource still records itself (and writes nothing else).
    const later = await runDeploy(server, planFor(server, desired), { commit: C, isAncestor })
    expect(later.status).toBe('nothing-to-do')
    expect(server.writes.slice(writes).sort()).toEqual([
      `putKv ops/${COMMIT_MARKER_KEY}`,
      `putKv team/${COMMIT_MARKER_KEY}`
    ])
  })

  it('replaces an entry that is not a marker, with a warning', async () => {
    const server = new FakeKestra()
    server.kv.set(MARKER, 'hello')
    const result = await deployCommit(server, B)
    expect(result.warnings).toEqual([expect.stringContaining('not a deployed-commit marker')])
    expect(server.kv.get(MARKER)).toEqual({ commit: B, repository: 'acme/flows' })
  })

  it('deploys with warnings when the KV store refuses access', async () => {
    const server = new FakeKestra()
    server.failures.set(
      `kv:${MARKER}`,
      new ApiError({ status: 403, method: 'GET', path: '/kv', serverMessage: 'Forbidden' })
    )
    const result = await deployCommit(server, B)
    expect(result.status).toBe('applied')
    expect(result.markedNamespaces).toEqual([])
    expect(result.warnings).toEqual([
      expect.stringContaining('Could not read the deployed commit of namespace team'),
      expect.stringContaining('Could not record the deployed commit in namespace team')
    ])
  })

  it('parses the stored value as an object or as JSON text', () => {
    const marker = { commit: B, repository: 'acme/flows' }
    expect(parseMarker(marker)).toEqual(marker)
    expect(parseMarker(JSON.stringify(marker))).toEqual(marker)
    expect(parseMarker({ commit: '--output=x', repository: 'acme/flows' })).toBeUndefined()
    expect(parseMarker(undefined)).toBeUndefined()
  })
})
