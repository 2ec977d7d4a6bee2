import type { DeploymentsPort } from '../environments/deployments-port.js'
import { deploymentReads } from './deployment-reads.js'
import { deploymentWrites } from './deployment-writes.js'
import type { RepoClient } from './repo-ref.js'

/** GitHub deployments of the repository the action runs for: reads and writes. */
export function deploymentsPort(client: RepoClient): DeploymentsPort {
  return { ...deploymentReads(client), ...deploymentWrites(client) }
}
