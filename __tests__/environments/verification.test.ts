/**
 * Promotion (docs/environments.md#promotion): which commit an environment verified, read from its
 * deployments newest first, and the state a deploy records.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { finalStatus } from '../../src/decide/environments/deployment-outcome.js'
import type { DeploymentStatusRecord } from '../../src/model/deployments-port.js'
import { refusal } from '../../src/decide/environments/refusal.js'
import {
  isVerified,
  verdictOf,
  verifiedCommit,
  type EnvironmentHistory
} from '../../src/model/verification.js'

const states = (...names: string[]): DeploymentStatusRecord[] =>
  names.map((state) => ({
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
