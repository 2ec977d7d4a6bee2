import type {
  DeploymentReads,
  DeploymentRecord,
  DeploymentStatusRecord
} from '../model/deployments-port.js'
import { isDeciding } from '../model/verification.js'
import { apiError, isPermissionError } from './errors.js'
import type { RepoClient } from './octokit.js'

const PAGE = 100
/** Statuses read per deployment at most; with no deciding state among them the deployment stays pending. */
const STATUS_PAGES = 10

const DEPLOYMENTS_READ_HELP =
  "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job."

/** Listing deployments and their statuses (https://docs.github.com/rest/deployments/deployments#list-deployments). */
export function deploymentReads(client: RepoClient): DeploymentReads {
  const repo = { owner: client.owner, repo: client.repo }
  return {
    async deployments(filter, limit) {
      const found: DeploymentRecord[] = []
      try {
        for (let page = 1; found.length < limit; page++) {
          const { data } = await client.octokit.rest.repos.listDeployments({
            ...repo,
            ...(filter.environment !== undefined && { environment: filter.environment }),
            ...(filter.sha !== undefined && { sha: filter.sha }),
            per_page: PAGE,
            page
          })
          for (const d of data) {
            found.push({
              id: d.id,
              sha: d.sha,
              environment: d.environment,
              transient: d.transient_environment === true,
              createdAt: d.created_at,
              payload: d.payload
            })
          }
          if (data.length < PAGE) break
        }
      } catch (error) {
        if (isPermissionError(error))
          throw apiError(`listing deployments (${DEPLOYMENTS_READ_HELP})`, error)
        throw apiError('listing deployments', error)
      }
      return found.slice(0, limit)
    },
    async statuses(deploymentId) {
      const found: DeploymentStatusRecord[] = []
      try {
        // Newest first: a page that holds a deciding state ends the reading (docs/environments.md#promotion).
        for (let page = 1; page <= STATUS_PAGES; page++) {
          const { data } = await client.octokit.rest.repos.listDeploymentStatuses({
            ...repo,
            deployment_id: deploymentId,
            per_page: PAGE,
            page
          })
          for (const s of data) {
            found.push({
              id: s.id,
              state: s.state,
              environmentUrl: s.environment_url ?? '',
              logUrl: s.log_url ?? s.target_url ?? '',
              createdAt: s.created_at
            })
          }
          if (data.length < PAGE || data.some((s) => isDeciding(s.state))) break
        }
      } catch (error) {
        throw apiError(`listing the statuses of deployment ${deploymentId}`, error)
      }
      return found
    }
  }
}
