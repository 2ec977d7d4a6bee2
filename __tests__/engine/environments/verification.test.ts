/**
 * Promotion (docs/environments.md#promotion): which commit an environment verified, read from its
 * deployments newest first, and the state a deploy records.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { finalStatus, refusal } from '../../../src/engine/environments/deployment-outcome.js'
import type { DeploymentStatusRecord } from '../../../src/model/deployments-port.js'
import {
  isVerified,
  verdictOf,
  verifiedCommit,
  type EnvironmentHistory
} from '../../../src/model/verification.js'
import { runs } from '../../../test-support/property-runs.js'

/** Statuses given newest first, all in the same second (GitHub's grain): their ids order them. */
const states = (...names: string[]): DeploymentStatusRecord[] =>
  names.map((state, i) => ({
    id: names.length - i,
    state,
    environmentUrl: '',
    logUrl: '',
    createdAt: '2026-01-01T00:00:00Z'
  }))

function history(entries: [sha: string, ...newestFirst: string[]][]): EnvironmentHistory {
  return {
    deployments: entries.map(([sha, ...statuses], i) => ({
      deployment: {
        id: 100 - i,
        sha,
        environment: 'staging',
        transient: false,
        createdAt: `t${i}`,
        payload: {}
      },
      verdict: verdictOf(states(...statuses))
    }))
  }
}

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)

describe('verified in an environment', () => {
  it('reads a deployment superseded by a newer success as still verified, a failure or an unfinished one as not', () => {
    expect(verdictOf(states('success', 'in_progress'))).toBe('success')
    expect(verdictOf(states('inactive', 'success', 'in_progress'))).toBe('success')
    expect(verdictOf(states('inactive', 'in_progress'))).toBe('pending')
    expect(verdictOf(states('failure', 'in_progress'))).toBe('failure')
    expect(verdictOf(states('error'))).toBe('failure')
    expect(verdictOf(states('in_progress'))).toBe('pending')
    expect(verdictOf([])).toBe('pending')
  })

  it('a failure after a success is not undone by a later inactive, queued, pending or in_progress', () => {
    for (const after of ['inactive', 'queued', 'pending', 'in_progress']) {
      for (const failed of ['failure', 'error']) {
        expect(verdictOf(states(after, failed, 'success', 'in_progress'))).toBe('failure')
        expect(verdictOf(states(after, after, failed, after, 'success'))).toBe('failure')
        expect(verdictOf(states(after, 'success', failed))).toBe('success')
      }
    }
  })

  it("a commit's newest decided deployment is its verdict: a later failure un-verifies it", () => {
    expect(isVerified(history([[A, 'success', 'in_progress']]), A)).toBe(true)
    expect(
      isVerified(
        history([
          [A, 'failure'],
          [A, 'success']
        ]),
        A
      )
    ).toBe(false)
    expect(
      isVerified(
        history([
          [A, 'in_progress'],
          [A, 'success']
        ]),
        A
      )
    ).toBe(true)
    expect(isVerified(history([[B, 'success']]), A)).toBe(false)
    expect(
      verifiedCommit(
        history([
          [A, 'failure'],
          [B, 'inactive', 'success'],
          [A, 'success']
        ])
      )?.sha
    ).toBe(B)
  })

  it('the refusal names both commits and the environment', () => {
    const text = refusal('staging', A, history([[B, 'success']]))
    expect(text).toContain('staging')
    expect(text).toContain(A.slice(0, 7))
    expect(text).toContain(B.slice(0, 7))
    expect(refusal('staging', A, history([]))).toMatch(/no commit is verified there yet/)
  })

  it('isVerified is the newest decided verdict of the commit, whatever the history', () => {
    const status = fc.constantFrom('success', 'failure', 'error', 'inactive', 'in_progress')
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(A, B), fc.array(status, { maxLength: 4 })), {
          maxLength: 8
        }),
        (entries) => {
          const h = history(entries.map(([sha, s]) => [sha, ...s]))
          const decided = entries
            .filter(([sha]) => sha === A)
            .map(([, s]) => verdictOf(states(...s)))
            .find((v) => v !== 'pending')
          expect(isVerified(h, A)).toBe(decided === 'success')
        }
      )
    )
  })
})

type Event =
  | { kind: 'deploy'; sha: string }
  | { kind: 'status'; target: number; state: string; sameSecond: boolean }

const ALL_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']

/**
 * A random environment history as it happens: deployments created (several per commit) and statuses added to
 * any of them, ids growing, times growing or equal (one-second grain). Returns the history as the reads
 * give it (listings in a random order) and, replayed in time, whether `A` is verified: its newest deployment
 * whose last success/failure/error is known ended on success.
 */
function replay(events: Event[], shuffle: (n: number) => number[]) {
  let id = 0
  let second = 0
  const deployments: { id: number; sha: string; createdAt: string }[] = []
  const statuses = new Map<number, DeploymentStatusRecord[]>()
  const last = new Map<number, 'success' | 'failure'>()
  const at = () => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString()
  for (const event of events) {
    if (event.kind === 'deploy') {
      second++
      deployments.push({ id: ++id, sha: event.sha, createdAt: at() })
      statuses.set(id, [])
      continue
    }
    const target = deployments[event.target % Math.max(deployments.length, 1)]
    if (!target) continue
    if (!event.sameSecond) second++
    statuses
      .get(target.id)!
      .push({ id: ++id, state: event.state, environmentUrl: '', logUrl: '', createdAt: at() })
    if (event.state === 'success') last.set(target.id, 'success')
    if (event.state === 'failure' || event.state === 'error') last.set(target.id, 'failure')
  }
  const reorder = <T>(items: T[]) => shuffle(items.length).map((i) => items[i]!)
  const history: EnvironmentHistory = {
    deployments: reorder(deployments).map((d) => ({
      deployment: { ...d, environment: 'staging', transient: false, payload: {} },
      verdict: verdictOf(reorder(statuses.get(d.id)!))
    }))
  }
  const decidedForA = deployments.filter((d) => d.sha === A && last.has(d.id)).at(-1)
  return { history, verified: decidedForA !== undefined && last.get(decidedForA.id) === 'success' }
}

describe('verified in an environment, over every history', () => {
  const event: fc.Arbitrary<Event> = fc.oneof(
    fc.record({ kind: fc.constant('deploy' as const), sha: fc.constantFrom(A, B) }),
    fc.record({
      kind: fc.constant('status' as const),
      target: fc.nat(20),
      state: fc.constantFrom(...ALL_STATES),
      sameSecond: fc.boolean()
    })
  )
  /** A permutation of 0..n-1 drawn from random keys: the order a listing may come in. */
  const shuffles = fc
    .array(fc.double({ noNaN: true }), { minLength: 64, maxLength: 64 })
    .map(
      (keys) => (n: number) =>
        Array.from({ length: n }, (_, i) => i).sort(
          (x, y) => keys[x % 64]! - keys[y % 64]! || x - y
        )
    )

  it('a commit is verified iff its newest deployment with a success/failure/error ended on success', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        shuffles,
        fc.boolean(),
        (events, shuffle, listed) => {
          const { history, verified } = replay(
            events,
            listed ? (n) => [...Array(n).keys()].reverse() : shuffle
          )
          expect(isVerified(history, A)).toBe(verified)
          const commit = verifiedCommit(history)
          if (commit) expect(isVerified(history, commit.sha)).toBe(true)
          if (verified) expect(commit).toBeDefined()
        }
      ),
      { numRuns: runs(500, 150) }
    )
  })
})

describe('the state a deploy records', () => {
  it('success only when every write and smoke run passed, or nothing was written and the commit was not failed before', () => {
    const base = { status: 'applied', wrote: true, smokeFailed: false, previous: undefined }
    expect(finalStatus(base).state).toBe('success')
    expect(finalStatus({ ...base, smokeFailed: true }).state).toBe('failure')
    expect(finalStatus({ ...base, status: 'failed' }).state).toBe('failure')
    expect(finalStatus({ ...base, status: 'refused' }).state).toBe('error')
    const nothing = { ...base, status: 'nothing-to-do', wrote: false }
    expect(finalStatus({ ...nothing, previous: 'failure' as const }).state).toBe('failure')
    expect(finalStatus({ ...nothing, previous: 'success' as const }).state).toBe('success')
    expect(finalStatus(nothing).state).toBe('success')
    expect(finalStatus({ ...base, previous: 'failure' as const }).state).toBe('success')
  })
})
