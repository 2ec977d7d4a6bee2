import type { DeploymentRecord, DeploymentStatusRecord } from './deployments-port.js'

export type Verdict = 'success' | 'failure' | 'pending'

/** The states that say how a deployment went; the others (inactive, queued, pending, in_progress) do not. */
const VERDICT_STATES = new Map<string, Verdict>([
  ['success', 'success'],
  ['failure', 'failure'],
  ['error', 'failure']
])

export function isDeciding(state: string): boolean {
  return VERDICT_STATES.has(state)
}

/** Newest first by creation time, then by id (GitHub's ids grow; times have a one-second grain). */
function newerFirst(a: { createdAt: string; id: number }, b: { createdAt: string; id: number }) {
  const at = Date.parse(a.createdAt)
  const bt = Date.parse(b.createdAt)
  if (Number.isFinite(at) && Number.isFinite(bt) && at !== bt) return bt - at
  return b.id - a.id
}

/**
 * The newest `success`, `failure` or `error` of a deployment's statuses decides; `inactive` (GitHub's
 * auto_inactive), `queued`, `pending` and `in_progress` undo nothing; with none deciding the verdict is `pending`.
 */
export function verdictOf(statuses: readonly DeploymentStatusRecord[]): Verdict {
  const deciding = [...statuses].sort(newerFirst).find((s) => isDeciding(s.state))
  return deciding ? VERDICT_STATES.get(deciding.state)! : 'pending'
}

export interface EnvironmentHistory {
  deployments: { deployment: DeploymentRecord; verdict: Verdict }[]
}

function newestFirst(history: EnvironmentHistory): EnvironmentHistory['deployments'] {
  return [...history.deployments].sort((a, b) => newerFirst(a.deployment, b.deployment))
}

/**
 * Its newest deployment there with a verdict succeeded: one that succeeded, then failed later, is not verified.
 */
export function isVerified(history: EnvironmentHistory, sha: string): boolean {
  const decided = newestFirst(history).find(
    (entry) => entry.deployment.sha === sha && entry.verdict !== 'pending'
  )
  return decided?.verdict === 'success'
}

/** The newest commit the environment verified, if any. */
export function verifiedCommit(history: EnvironmentHistory): DeploymentRecord | undefined {
  return newestFirst(history).find(
    (entry) => entry.verdict === 'success' && isVerified(history, entry.deployment.sha)
  )?.deployment
}
