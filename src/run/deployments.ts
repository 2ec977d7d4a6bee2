import type { DeploymentsPort } from '../model/deployments-port.js'
import { deploymentReads } from '../gather/deployment-reads.js'
import { deploymentWrites } from '../apply/deployment-writes.js'
import type { RepoClient } from '../github/octokit.js'

/** GitHub deployments of the repository the action runs for: reads and writes. */
export function deploymentsPort(client: RepoClient): DeploymentsPort {
  return { ...deploymentReads(client), ...deploymentWrites(client) }
}
