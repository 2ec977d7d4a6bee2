import type { DeploymentRecord, DeploymentStatusRecord } from './deployments-port.js'

export type Verdict = 'success' | 'failure' | 'pending'

/**
 * What a deployment's statuses (newest first) say of its commit: `success` when it succeeded, also once a
 * newer deployment made it `inactive` (GitHub's `auto_inactive`); `failure` when its last word is failure or
 * error; `pending` otherwise (in progress, or inactive without ever succeeding).
 */
export function verdictOf(statuses: readonly DeploymentStatusRecord[]): Verdict {
  const latest = statuses[0]?.state
  if (latest === 'success') return 'success'
  if (latest === 'failure' || latest === 'error') return 'failure'
  if (latest === 'inactive' && statuses.some((s) => s.state === 'success')) return 'success'
  return 'pending'
}

export interface EnvironmentHistory {
  /** The environment's deployments, newest first, each with its verdict. */
  deployments: { deployment: DeploymentRecord; verdict: Verdict }[]
}

/**
 * Whether `sha` is verified in the environment: its newest deployment there that came to a verdict
 * succeeded. A commit that succeeded once and failed on a later deploy is not verified.
 */
export function isVerified(history: EnvironmentHistory, sha: string): boolean {
  const decided = history.deployments.find(
    (entry) => entry.deployment.sha === sha && entry.verdict !== 'pending'
  )
  return decided?.verdict === 'success'
}

/** The newest commit the environment verified, if any. */
export function verifiedCommit(history: EnvironmentHistory): DeploymentRecord | undefined {
  return history.deployments.find(
    (entry) => entry.verdict === 'success' && isVerified(history, entry.deployment.sha)
  )?.deployment
}
