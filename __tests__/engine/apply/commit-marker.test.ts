import { describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY, parseMarker } from '../../../src/engine/record/marker.js'
import type { IsAncestor } from '../../../src/adapters/git/ancestry.js'
import { startKestra, type EmulatedKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { runDeploy, TARGET } from './run-deploy.js'

/** The checkout's history, A then B then C, as git answers about it (e2e/deploy/git-ancestry.test.ts). */
const [A, B, C] = ['a1', 'b2', 'c3'].map((prefix) => prefix.padEnd(40, '0'))
const HISTORY = [A, B, C]
const isAncestor: IsAncestor = async (ancestor, descendant) =>
  HISTORY.includes(ancestor) && HISTORY.includes(descendant)
    ? HISTORY.indexOf(ancestor) <= HISTORY.indexOf(descendant)
    : undefined

const UNKNOWN = 'f'.repeat(40)

async function serverAt(commit: string, repository = 'acme/flows') {
  const server = await startKestra()
  server.seedKv('team', COMMIT_MARKER_KEY, { commit, repository })
  return server
}
const marker = (server: EmulatedKestra) => server.kv('team', COMMIT_MARKER_KEY)
const deployCommit = (server: EmulatedKestra, commit: string, extra: object = {}) =>
  runDeploy(server.client, planFor(server, { flows: [flowSource('team', 'a', commit)] }), {
    commit,
    isAncestor,
    ...extra
  })

describe('out-of-order guard', () => {
  it('refuses a commit older than the one already deployed, writing nothing', async () => {
    const server = await serverAt(B)
    const result = await deployCommit(server, A)
    expect(result.status).toBe('refused')
    expect(result.refusal).toBe(
      `Nothing was deployed: commit ${A.slice(0, 12)} is older than ${B.slice(0, 12)} already deployed to namespace team; to roll back, push a revert commit.`
    )
    expect(result.resources.map((r) => r.result)).toEqual(['skipped'])
    expect(server.writes()).toEqual([])
  })

  it('deploys the recorded commit again, and a newer one', async () => {
    const server = await serverAt(B)
    expect((await deployCommit(server, B)).status).toBe('applied')
    expect(server.writes()).toEqual(['flows.create team/a'])

    expect((await deployCommit(server, C)).status).toBe('applied')
    expect(marker(server)).toEqual({ commit: C, repository: 'acme/flows' })
  })

  it('deploys an older commit when allow-out-of-order is set, with a warning', async () => {
    const server = await serverAt(B)
    const result = await deployCommit(server, A, {
      target: { ...TARGET, allowOutOfOrder: true }
    })
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([
      expect.stringContaining(
        `allow-out-of-order is set, deploying anyway: commit ${A.slice(0, 12)}`
      )
    ])
    expect(marker(server)).toEqual({ commit: A, repository: 'acme/flows' })
  })

  it('proceeds with a warning when the recorded commit is unknown to the checkout', async () => {
    const server = await serverAt(UNKNOWN)
    const result = await deployCommit(server, A)
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([expect.stringContaining('fetch-depth: 0')])
  })

  it('proceeds with a warning when another repository deployed the namespace', async () => {
    const server = await serverAt(B, 'acme/other')
    const result = await deployCommit(server, A)
    expect(result.status).toBe('applied')
    expect(result.warnings).toEqual([
      expect.stringContaining('Namespace team was last deployed from acme/other')
    ])
  })
})

describe('deployed-commit marker', () => {
  it('is written after a successful deploy, and only when it changes', async () => {
    const server = await startKestra()
    const desired = { flows: [flowSource('team', 'a'), flowSource('ops', 'b')] }
    const deployAt = (commit: string) =>
      runDeploy(server.client, planFor(server, desired), { commit, isAncestor })
    const first = await deployAt(B)
    expect(first.markedNamespaces).toEqual(['ops', 'team'])
    expect(marker(server)).toEqual({ commit: B, repository: 'acme/flows' })

    server.clearLog()
    const again = await deployAt(B)
    expect(again.markedNamespaces).toEqual([])
    expect(server.writes()).toEqual([])

    // A later commit that changes no resource still records itself (and writes nothing else).
    const later = await deployAt(C)
    expect(later.status).toBe('nothing-to-do')
    expect(server.writes().sort()).toEqual([
      `kv.put ops/${COMMIT_MARKER_KEY}`,
      `kv.put team/${COMMIT_MARKER_KEY}`
    ])
  })

  it.each([
    {
      what: 'a newer format',
      value: { version: 2, commit: C, repository: 'acme/flows' },
      why: 'commit marker v2: unsupported'
    },
    { what: 'a value cut short', value: `{"commit":"${C}","repos`, why: 'commit marker: not JSON' },
    { what: 'garbage', value: 'hello', why: 'commit marker: not JSON' },
    {
      what: 'a forged shape',
      value: { commit: 42, repository: 'acme/flows' },
      why: 'commit marker: commit is not what this action writes'
    }
  ])(
    'refuses by name, before any write, a marker in $what, and leaves it as it is',
    async ({ value, why }) => {
      const server = await startKestra()
      server.seedKv('team', COMMIT_MARKER_KEY, value)
      await expect(deployCommit(server, A)).rejects.toThrow(
        `Nothing was deployed: the KV entry ${COMMIT_MARKER_KEY} of namespace team is not a deployed-commit marker this version of kestra-gitops-action can read:\n- team: ${why}\n`
      )
      expect(server.writes()).toEqual([])
      expect(marker(server)).toEqual(value)
    }
  )

  it('reads a marker an earlier version wrote (format 1, no version field, its old seal)', async () => {
    const server = await startKestra()
    const earlier = {
      commit: B,
      repository: 'acme/flows',
      seal: `hmac-sha256:${'0'.repeat(64)}:${'0'.repeat(64)}`
    }
    server.seedKv('team', COMMIT_MARKER_KEY, earlier)
    const older = await deployCommit(server, A)
    expect(older.status).toBe('refused')
    expect(server.writes()).toEqual([])
    expect((await deployCommit(server, C)).status).toBe('applied')
  })

  it('deploys with warnings when the KV store refuses access', async () => {
    const server = await startKestra()
    server.fail(`kv.get team/${COMMIT_MARKER_KEY}`, { status: 403 })
    server.fail(`kv.put team/${COMMIT_MARKER_KEY}`, { status: 403 })
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
