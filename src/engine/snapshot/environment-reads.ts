import type { DeploymentReads, EnvironmentRow } from '../../model/deployments-port.js'
import {
  isVerified,
  verdictOf,
  verifiedCommit,
  type EnvironmentHistory
} from '../../model/verification.js'

/** How far back an environment's history is read: GitHub lists newest first. */
const HISTORY_LIMIT = 30

/**
 * The environment's deployments, newest first, with their verdicts: statuses are read one deployment at a
 * time and the reading stops as soon as `sha`'s verdict and the verified commit are both known.
 */
export async function environmentHistory(
  reads: DeploymentReads,
  environment: string,
  sha: string
): Promise<EnvironmentHistory> {
  const history: EnvironmentHistory = { deployments: [] }
  for (const deployment of await reads.deployments({ environment }, HISTORY_LIMIT)) {
    history.deployments.push({
      deployment,
      verdict: verdictOf(await reads.statuses(deployment.id))
    })
    const decided = history.deployments.some(
      (entry) => entry.deployment.sha === sha && entry.verdict !== 'pending'
    )
    if (decided && (isVerified(history, sha) || verifiedCommit(history))) break
  }
  return history
}

/** The newest deployment of each environment with its statuses; previews already removed are left out. */
export async function environmentRows(reads: DeploymentReads): Promise<EnvironmentRow[]> {
  const newest = new Map<string, EnvironmentRow['deployment']>()
  for (const deployment of await reads.deployments({}, 100)) {
    if (!newest.has(deployment.environment)) newest.set(deployment.environment, deployment)
  }
  const rows = await Promise.all(
    [...newest.values()].map(async (deployment) => ({
      deployment,
      statuses: await reads.statuses(deployment.id)
    }))
  )
  return rows.filter((row) => !(row.deployment.transient && row.statuses[0]?.state === 'inactive'))
}
